"""The timetable part of the demo city: rooms, lesson times, English subgroups, a
conflict-free weekly timetable built from the teaching assignments, the year's lessons,
events and thematic plans. Rows are written in bulk.

Called by ``portal.demo.city.CityBuilder`` once a school's classes, assignments and
pupils are written.
"""

import datetime

from curriculum.models import ClassMembership, Subgroup, SubgroupMembership, TeachingAssignment

from .conflicts import SlotTimes
from .demo_topics import TOPICS, YEAR_END
from .lessons import generate_lessons, holidays_of
from .models import (
    BellSchedule,
    Event,
    Lesson,
    LessonTime,
    PlannedTopic,
    Room,
    ThematicPlan,
    TimetableChange,
    TimetableEntry,
    with_co_teachers,
)

BATCH = 2000
FIRST_SHIFT = [  # 45-minute lessons with the usual breaks
    ("08:00", "08:45"), ("08:55", "09:40"), ("10:00", "10:45"), ("11:05", "11:50"),
    ("12:00", "12:45"), ("12:55", "13:40"), ("13:50", "14:35"),
]
SPECIAL_ROOMS = {"Физическая культура": "Спортзал", "Информатика": "Кабинет информатики",
                 "Музыка": "Кабинет музыки"}
SUBGROUP_SUBJECT = "Английский язык"
SCHOOL_EVENTS = [  # of 2026/2027; seed_events moves them to the demo year
    ("Торжественная линейка «День знаний»", datetime.date(2026, 9, 1), "Школьный двор"),
    ("Осенний кросс", datetime.date(2026, 9, 25), "Стадион"),
    ("День учителя: праздничный концерт", datetime.date(2026, 10, 5), "Актовый зал"),
    ("Новогодний праздник", datetime.date(2026, 12, 26), "Актовый зал"),
    ("Смотр строя и песни", datetime.date(2027, 2, 20), "Спортзал"),
    ("Последний звонок", datetime.date(2027, 5, 25), "Школьный двор"),
]
CLASS_EVENTS = ["Классный час «Безопасная дорога»", "Экскурсия в Национальный музей",
                "Родительское собрание", "Классный час «Мой край — Якутия»"]
# Everything seed_timetable writes, in an order that deletes cleanly.
SCHOOL_MODELS = (Lesson, TimetableChange, TimetableEntry, Event, ThematicPlan, BellSchedule,
                 Room)


def time(text):
    return datetime.time(*map(int, text.split(":")))


def seed_timetable(institution, year, classes, pupils_by_class, rnd):
    """Builds one school's timetable and lessons. ``classes`` are the school's saved
    classes, ``pupils_by_class`` {class pk: [pupil pk]}."""
    schedule = BellSchedule.objects.create(institution=institution, name="1 смена")
    LessonTime.objects.bulk_create([
        LessonTime(schedule=schedule, number=n, sort_order=n, starts_at=time(a),
                   ends_at=time(b)) for n, (a, b) in enumerate(FIRST_SHIFT, start=1)])
    rooms = {}
    for n, school_class in enumerate(classes):
        floor = 1 if school_class.grade <= 4 else 2 + n % 2
        rooms[school_class.pk] = Room(institution=institution, name=f"{floor}{n + 1:02d}",
                                      capacity=30)
    special = {subject: Room(institution=institution, name=name, capacity=60)
               for subject, name in SPECIAL_ROOMS.items()}
    Room.objects.bulk_create([*rooms.values(), *special.values()])
    for school_class in classes:
        school_class.home_room = rooms[school_class.pk]
        school_class.bell_schedule = schedule
    type(classes[0]).objects.bulk_update(classes, ["home_room", "bell_schedule"])

    # ``pupils_by_class`` may hold every school's classes: only this school's pupils.
    own = {school_class.pk for school_class in classes}
    ClassMembership.objects.bulk_create([
        ClassMembership(institution=institution, pupil_id=pupil, school_class_id=class_pk,
                        starts_on=year.starts_on)
        for class_pk, pupils in pupils_by_class.items() if class_pk in own for pupil in pupils
    ], batch_size=BATCH)
    assignments = list(TeachingAssignment.objects.filter(institution=institution)
                       .select_related("subject", "school_class"))
    assignments = split_into_subgroups(institution, year, assignments, pupils_by_class)
    entries = place_lessons(institution, year, assignments, rooms, special, rnd)
    TimetableEntry.objects.bulk_create(entries, batch_size=BATCH)
    seed_plans(institution, year, assignments)
    report = generate_lessons(year)
    seed_events(institution, year, classes, rnd)
    return report


def split_into_subgroups(institution, year, assignments, pupils_by_class):
    """English in grades 5–11 is taught in two groups when the school has two English
    teachers: the class's assignment becomes group 1's, and group 2 gets the other."""
    english = sorted({a.teacher_id for a in assignments if a.subject.name == SUBGROUP_SUBJECT})
    if len(english) < 2:
        return assignments
    result, groups, members = [], [], []
    for assignment in assignments:
        if assignment.subject.name != SUBGROUP_SUBJECT or assignment.school_class.grade < 5:
            result.append(assignment)
            continue
        # Group 2 goes to the next English teacher, so the load is shared round the team.
        position = english.index(assignment.teacher_id) if assignment.teacher_id in english \
            else 0
        other = english[(position + 1) % len(english)]
        pair = []
        for number, teacher in ((1, assignment.teacher_id), (2, other)):
            group = Subgroup(institution=institution, school_class=assignment.school_class,
                             subject=assignment.subject, name=f"группа {number}",
                             teacher_id=teacher)
            groups.append(group)
            pair.append(group)
        result.append((assignment, pair))
    Subgroup.objects.bulk_create(groups, batch_size=BATCH)
    extra, plain = [], []
    for item in result:
        if not isinstance(item, tuple):
            plain.append(item)
            continue
        assignment, (first, second) = item
        assignment.subgroup = first
        TeachingAssignment.objects.filter(pk=assignment.pk).update(subgroup=first)
        twin = TeachingAssignment(institution=institution, teacher_id=second.teacher_id,
                                  school_class=assignment.school_class,
                                  subject=assignment.subject, subgroup=second,
                                  hours_per_week=assignment.hours_per_week)
        extra.append(twin)
        plain.append(assignment)
        pupils = pupils_by_class.get(assignment.school_class_id, [])
        for index, pupil in enumerate(pupils):
            members.append(SubgroupMembership(
                institution=institution, subgroup=first if index % 2 == 0 else second,
                pupil_id=pupil, starts_on=year.starts_on))
    TeachingAssignment.objects.bulk_create(extra, batch_size=BATCH)
    SubgroupMembership.objects.bulk_create(members, batch_size=BATCH)
    return plain + extra


def place_lessons(institution, year, assignments, rooms, special, rnd, tries=30):
    """A weekly timetable without clashes that gives every assignment its hours: the
    greedy placement below, tried again in another order while some lesson finds no
    slot (the fewest left out wins when none places them all)."""
    best = None
    for _try in range(tries):
        entries, left_out = place_greedily(institution, year, assignments, rooms, special,
                                           rnd)
        if best is None or left_out < best[1]:
            best = (entries, left_out)
        if not left_out:
            break
    return best[0]


def place_greedily(institution, year, assignments, rooms, special, rnd):
    """A greedy weekly timetable without clashes: each class's lessons go to the
    earliest free lesson of a day where the class, the teacher and the room are free.
    The two groups of a class share one slot, each with its own teacher. Returns the
    entries and the number of lessons that found no slot."""
    busy_teacher, busy_class, busy_room = set(), set(), set()
    by_class = {}
    twins = {}
    for a in assignments:
        if a.subgroup_id and a.subgroup.name.endswith("2"):
            twins[(a.school_class_id, a.subject_id)] = a
        else:
            by_class.setdefault(a.school_class_id, []).append(a)
    entries, left_out = [], 0
    days = [1, 2, 3, 4, 5]
    # The busiest teachers' classes first: their lessons have the fewest free slots.
    teacher_hours = {}
    for a in assignments:
        teacher_hours[a.teacher_id] = teacher_hours.get(a.teacher_id, 0) + a.hours_per_week
    for class_pk, items in by_class.items():
        load = [0] * 6
        lessons = [a for a in items for _hour in range(int(round(a.hours_per_week)))]
        rnd.shuffle(lessons)
        # Subjects of busy teachers first, the order among equals drawn.
        lessons.sort(key=lambda a: -teacher_hours[a.teacher_id])
        for assignment in lessons:
            twin = twins.get((class_pk, assignment.subject_id))
            room = special.get(assignment.subject.name) or rooms[class_pk]
            placed = False
            for day in sorted(days, key=lambda d: (load[d], d)):
                for number in range(1, len(FIRST_SHIFT) + 1):
                    teachers = {assignment.teacher_id} | ({twin.teacher_id} if twin else set())
                    if (class_pk, day, number) in busy_class or any(
                            (t, day, number) in busy_teacher for t in teachers):
                        continue
                    use_room = room if (room.pk, day, number) not in busy_room else None
                    if use_room is None and room is not rooms[class_pk]:
                        use_room = rooms[class_pk]  # the gym is taken: the home room
                    busy_class.add((class_pk, day, number))
                    for row, row_room in ((assignment, use_room),
                                          *(((twin, None),) if twin else ())):
                        busy_teacher.add((row.teacher_id, day, number))
                        entries.append(TimetableEntry(
                            institution=institution, academic_year=year,
                            school_class_id=class_pk, subgroup_id=row.subgroup_id,
                            subject_id=row.subject_id, teacher_id=row.teacher_id,
                            room=row_room, weekday=day, lesson_number=number,
                            valid_from=year.starts_on, valid_to=year.ends_on))
                    if use_room is not None:
                        busy_room.add((use_room.pk, day, number))
                    load[day] += 1
                    placed = True
                    break
                if placed:
                    break
            if not placed:
                left_out += 1
    return entries, left_out


# A plan's hours: the year's 34 weeks and one more, so that no lesson is left without a
# topic; the last two weeks and that one go to revising the year.
PLAN_WEEKS, REVISION_WEEKS = 35, 3


def plan_sections(titles, hours_per_week):
    """[(title, hours)] of a year's plan: the sections share the year's hours in order
    (the first ones get an hour more where they do not divide evenly), then the
    revision of the year."""
    hours = max(1, int(hours_per_week))
    main = hours * (PLAN_WEEKS - REVISION_WEEKS)
    each, extra = divmod(main, len(titles))
    return [(title, each + (1 if n < extra else 0)) for n, title in enumerate(titles)
            if each or n < extra] + [(YEAR_END, hours * REVISION_WEEKS)]


def seed_plans(institution, year, assignments):
    """A thematic plan for each class and subject with the sections of its programme,
    written by the teacher of that class (R-KTP-1); one per class for a subject taught
    in groups, which both groups follow."""
    plans, topics = [], []
    for assignment in assignments:
        school_class = assignment.school_class
        titles = TOPICS.get(assignment.subject.name, {}).get(school_class.grade)
        if titles is None or (assignment.subgroup_id
                              and not assignment.subgroup.name.endswith("1")):
            continue
        plan = ThematicPlan(institution=institution, academic_year=year,
                            subject=assignment.subject, school_class=school_class,
                            grade=school_class.grade, author_id=assignment.teacher_id)
        plans.append(plan)
        topics.append((plan, plan_sections(titles, assignment.hours_per_week)))
    ThematicPlan.objects.bulk_create(plans, batch_size=BATCH)
    PlannedTopic.objects.bulk_create([
        PlannedTopic(plan=plan, sort_order=n, title=title, hours=hours)
        for plan, rows in topics for n, (title, hours) in enumerate(rows)
    ], batch_size=BATCH)


def seed_events(institution, year, classes, rnd):
    # SCHOOL_EVENTS are the dates of 2026/2027, moved to the year's own.
    shift = year.starts_on.year - 2026
    events = [Event(institution=institution, title=title, starts_on=day, ends_on=day,
                    starts_at=datetime.time(10, 0), place=place)
              for title, day, place in ((t, d.replace(year=d.year + shift), p)
                                        for t, d, p in SCHOOL_EVENTS)]
    # A class's own event is on a school day: not a weekend, a holiday or a day off.
    days_off = holidays_of(institution.pk, year.starts_on, year.ends_on)
    for school_class in classes:
        day = year.starts_on + datetime.timedelta(days=rnd.randint(7, 250))
        while day.weekday() >= 5 or day in days_off:
            day -= datetime.timedelta(days=1)
        events.append(Event(institution=institution, school_class=school_class,
                            title=rnd.choice(CLASS_EVENTS), starts_on=day, ends_on=day,
                            starts_at=datetime.time(14, 30),
                            place=str(school_class.home_room or "")))
    Event.objects.bulk_create(events, batch_size=BATCH)


def check_no_clashes(institution):
    """True when no two entries of the school clash (used by tests of the demo)."""
    from .conflicts import clashes

    entries = list(with_co_teachers(TimetableEntry.objects.filter(
        institution=institution).select_related("school_class", "subgroup", "subject",
                                                "teacher__person", "room")))
    times = SlotTimes(institution.pk)
    return all(not clashes(e, entries, times) for e in entries)
