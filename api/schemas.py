"""What the API answers, as OpenAPI schemas (django-ninja's, i.e. pydantic's)."""

import datetime
from typing import Annotated

from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Schema

from journal.diary import FIRST_DAY, LAST_DAY
from portal.ids import MAX_ID

# An id in a query string or a body: 1 … 2⁶³ − 1 (portal/ids.py); anything else is a
# 422 before a query is made. Ids in the path use the ``id`` converter (404).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id in the path: the ``id`` converter (``{id:pupil_id}``) matches these only.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
# A day the diary and the timetable accept (a week before and after is still a date).
Day = Annotated[datetime.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
# A version of a journal cell, as the grid sends it (0: the cell was empty).
Version = Annotated[int, Field(ge=0, le=MAX_ID)]


class Message(Schema):
    detail: str


class Invalid(Schema):
    detail: list[dict] = Field(description=_("What is wrong with which parameter."))


class TokenInfo(Schema):
    name: str
    prefix: str
    scopes: list[str]
    created: datetime.datetime


class PupilOut(Schema):
    id: int
    name: str
    school: str
    school_class: str | None = Field(description=_("The pupil's class now, e.g. «5А»."))
    own: bool = Field(description=_("The user's own pupil record (not a child's)."))


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]
    token: TokenInfo
    pupils: list[PupilOut] = Field(description=_("The pupils the user reads as family."))


class MarkOut(Schema):
    id: int
    value: str = Field(description=_("The mark; empty for a debt."))
    debt: bool
    comment: str
    work_type: str
    weight: float


class PeriodMarkOut(MarkOut):
    date: datetime.date


class AttendanceOut(Schema):
    kind: str = Field(description=_("absent, valid (absent with a valid reason), ill or late."))
    letter: str
    text: str
    late_minutes: int | None


class FileOut(Schema):
    name: str
    url: str = Field(description=_("The file on the portal (opened in a signed-in browser)."))


class HomeworkOut(Schema):
    id: int
    subject: str | None
    text: str
    links: list[str]
    set_on: datetime.date | None = Field(description=_("The day of the lesson it was set in."))
    due_on: datetime.date | None
    files: list[FileOut]


class DiaryLessonOut(Schema):
    id: int
    number: int
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    subject: str
    subgroup: str | None
    teacher: str | None
    replaced_teacher: str | None = Field(description=_("Whom the teacher stands in for."))
    room: str | None
    cancelled: bool
    topic: str
    marks: list[MarkOut]
    attendance: AttendanceOut | None
    homework: HomeworkOut | None = Field(description=_("The homework set in this lesson."))
    homework_due: list[HomeworkOut] = Field(description=_("The homework due at this lesson."))


class EventOut(Schema):
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    starts_at: datetime.time | None
    place: str


class DiaryDayOut(Schema):
    date: datetime.date
    school_class: str | None
    lessons: list[DiaryLessonOut]
    events: list[EventOut]
    homework_due: list[HomeworkOut] = Field(
        description=_("Homework due this day in a subject without a lesson that day."))


class DiaryWeekOut(Schema):
    pupil: PupilOut
    monday: datetime.date
    saturday: datetime.date
    days: list[DiaryDayOut]


class HomeworkWeekOut(Schema):
    pupil: PupilOut
    monday: datetime.date
    saturday: datetime.date
    homework: list[HomeworkOut] = Field(description=_("By the day it is due."))


class PeriodOut(Schema):
    id: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    closed: bool


class SubjectLineOut(Schema):
    subject: str
    teachers: list[str]
    average: float | None = Field(description=_("The weighted average of the period's marks."))
    marks: list[PeriodMarkOut]
    debts: list[PeriodMarkOut]
    absences: int
    lates: int
    finals: dict[str, str] = Field(description=_("period, year and exam finals given so far."))


class DiaryPeriodOut(Schema):
    pupil: PupilOut
    periods: list[PeriodOut]
    period: PeriodOut | None
    subjects: list[SubjectLineOut]


class TimetableLessonOut(Schema):
    id: int
    date: datetime.date
    number: int
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    school_class: str
    subgroup: str | None
    subject: str
    teacher: str | None
    replaced_teacher: str | None
    room: str | None
    cancelled: bool
    changes: list[str] = Field(description=_("What differs from the weekly timetable."))
    notes: list[str]


class TimetableWeekOut(Schema):
    whose: str = Field(description=_("The class or the teacher."))
    monday: datetime.date
    saturday: datetime.date
    fortnight: str = Field(description=_("Week A or B in a fortnightly timetable."))
    lessons: list[TimetableLessonOut]
    events: list[EventOut]


class AnnouncementOut(Schema):
    id: int
    title: str
    published_at: datetime.datetime | None
    audience: str
    school: str | None
    excerpt: str
    url: str
    event_starts_at: datetime.datetime | None
    event_place: str


class AnnouncementsOut(Schema):
    count: int
    items: list[AnnouncementOut]


# The mail -----------------------------------------------------------------------------


class MailFolderRow(Schema):
    id: int = Field(description=_("The thread."))
    subject: str
    unread: int = Field(description=_("The user's unread messages in the thread."))
    last_sender: str | None
    last_sent_at: datetime.datetime
    archived: bool


class MailFolderOut(Schema):
    count: int
    items: list[MailFolderRow]


class MailRecipientOut(Schema):
    name: str
    read: bool | None = Field(description=_("Whether they read it: to the sender only."))


class MailAttachmentOut(Schema):
    name: str
    url: str = Field(description=_("The file, for the portal's signed-in session."))


class MailMessageOut(Schema):
    id: int
    sender: str
    sent_at: datetime.datetime
    body: str
    forwarded_text: str
    recipients: list[MailRecipientOut]
    attachments: list[MailAttachmentOut]


class MailThreadOut(Schema):
    id: int
    subject: str
    archived: bool
    messages: list[MailMessageOut]


# The journal ------------------------------------------------------------------------


class CellOut(Schema):
    value: str
    version: int
    comment: str
    updated_by: str
    updated_at: str


class SavedOut(Schema):
    cell: CellOut


class ConflictOut(Schema):
    detail: str
    current: CellOut


class WorkOut(Schema):
    id: int
    work_type: str
    weight: float
    title: str


class JournalPupilOut(Schema):
    id: int
    name: str


class JournalMarkOut(Schema):
    work: int
    pupil: int
    value: str
    debt: bool
    comment: str
    version: int


class JournalAttendanceOut(Schema):
    pupil: int
    kind: str
    late_minutes: int | None
    version: int


class JournalLessonOut(Schema):
    id: int
    date: datetime.date
    number: int
    school_class: str
    subgroup: str | None
    subject: str
    topic: str
    cancelled: bool
    may_fill: bool


class WorkTypeOut(Schema):
    id: int
    name: str
    weight: float


class JournalLessonDetailOut(JournalLessonOut):
    work_types: list[WorkTypeOut] = Field(description=_("What a new work may be."))
    works: list[WorkOut]
    pupils: list[JournalPupilOut]
    marks: list[JournalMarkOut]
    attendance: list[JournalAttendanceOut]


class MarkIn(Schema):
    work: Id = Field(description=_("The work (a column of the lesson)."))
    pupil: Id
    value: str = Field("", max_length=20,
                       description=_("A mark of the school's scale; empty clears the cell."))
    debt: bool = False
    comment: str = Field("", max_length=300)
    version: Version = Field(description=_("The version the client read (0: empty)."))


class WorkIn(Schema):
    work_type: Id = Field(description=_("One of the lesson's `work_types`."))
    title: str = Field("", max_length=200)


class WorkCreatedOut(Schema):
    work: WorkOut


class AttendanceIn(Schema):
    lesson: Id
    pupil: Id
    kind: str = Field("", max_length=10, description=_(
        "absent, valid, ill or late; empty: present. Or give `text` as a teacher types "
        "it: н, у, б, о10."))
    text: str | None = Field(None, max_length=10)
    late_minutes: int | None = Field(None, ge=1, le=90)
    version: Version
