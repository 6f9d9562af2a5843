"""The demo city's visit statistics (R-DEP-4): believable counts of the last ten weeks up
to the day before the city's day, as reports/visits.py would have written them.

Teachers and the leadership come on nearly every school day and read many pages (the
journal), parents and pupils a few times a week, everybody less at weekends and in the
school holidays; the department works in the holidays too. Schools differ: each draws
how keen its teachers and its parents are, and in a city of seven schools or more
every seventh school's parents do not use the portal at all, which the department's
report shows. Drawn from a random stream of its own, so the rest of the city stays as
its seed gives it; written with one bulk insert."""

import datetime
import random

from curriculum.days_off import public_days_off
from portal.access import Role
from records.models import User

from . import actions
from .models import SavedReport, VisitCount
from .visits import DEPARTMENT, GROUP_OF, LEADERS, OTHER_STAFF, TEACHERS

DAYS = 70
BATCH = 2000
# group → (share of its users active on a school day, at a weekend, in the holidays),
# (page views of an active user, fewest and most), and logins per active user.
HABITS = {
    LEADERS: ((0.95, 0.2, 0.3), (8, 25), (0.6, 1.0)),
    TEACHERS: ((0.85, 0.15, 0.12), (6, 18), (0.5, 1.0)),
    OTHER_STAFF: ((0.8, 0.05, 0.2), (4, 12), (0.5, 0.9)),
    Role.PARENT: ((0.3, 0.2, 0.05), (2, 6), (0.2, 0.5)),
    Role.PUPIL: ((0.35, 0.15, 0.05), (2, 5), (0.2, 0.5)),
    DEPARTMENT: ((0.9, 0.05, 0.7), (10, 35), (0.6, 1.0)),
}
DEPARTMENT_USERS = 6
IDLE_PARENTS_EVERY = 7


def members(builder, school):
    """{group: how many people of the school belong to it}."""
    people = {}
    for person, role in school["roles"]:
        group = GROUP_OF.get(role)
        if group is not None:
            people.setdefault(group, set()).add(id(person))
    counts = {group: len(persons) for group, persons in people.items()}
    institution = school["institution"]
    counts[Role.PARENT] = sum(len(family["parents"]) for family in builder.families
                              if family["institution"] is institution)
    counts[Role.PUPIL] = sum(1 for pupil in builder.pupils
                             if pupil.institution_id == institution.pk)
    return counts


def kind_of_day(day, calendar, days_off):
    """0: a school day, 1: a weekend or public day off, 2: the school holidays or the
    summer."""
    if day.weekday() >= 5 or day in days_off:
        return 1
    in_holidays = any(first <= day <= last for _name, first, last in calendar.holidays)
    if in_holidays or not calendar.starts_on <= day <= calendar.ends_on:
        return 2
    return 0


def day_counts(rnd, users, habit, kind, keenness):
    shares, (fewest, most), (least_logins, most_logins) = habit
    active = min(users, round(users * shares[kind] * keenness * rnd.uniform(0.8, 1.2)))
    if active <= 0:
        return 0, 0
    views = round(active * rnd.uniform(fewest, most))
    logins = min(views, round(active * rnd.uniform(least_logins, most_logins)))
    return logins, views


def seed_visits(builder):
    """Writes the visit counts of the ``DAYS`` days before the city's day."""
    rnd = random.Random(f"visits-{builder.random_seed}")
    last = builder.today - datetime.timedelta(days=1)
    days = [last - datetime.timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    days_off = public_days_off(days[0], days[-1])
    kinds = {day: kind_of_day(day, builder.calendar, days_off) for day in days}
    rows = []
    for number, school in enumerate(builder.schools, start=1):
        counts = members(builder, school)
        keenness = {LEADERS: rnd.uniform(0.85, 1.05), TEACHERS: rnd.uniform(0.55, 1.1),
                    OTHER_STAFF: rnd.uniform(0.5, 1.0), Role.PARENT: rnd.uniform(0.3, 1.2),
                    Role.PUPIL: rnd.uniform(0.3, 1.1)}
        if number % IDLE_PARENTS_EVERY == 0:
            keenness[Role.PARENT] = 0
        for day in days:
            for group, users in counts.items():
                logins, views = day_counts(rnd, users, HABITS[group], kinds[day],
                                           keenness[group])
                if views:
                    rows.append(VisitCount(day=day, institution=school["institution"],
                                           role=group, logins=logins, views=views))
    for day in days:
        logins, views = day_counts(rnd, DEPARTMENT_USERS, HABITS[DEPARTMENT], kinds[day], 1)
        if views:
            rows.append(VisitCount(day=day, institution=None, role=DEPARTMENT,
                                   logins=logins, views=views))
    VisitCount.objects.bulk_create(rows, batch_size=BATCH)
    builder.say(f"Visit counts: {len(rows)} rows of {DAYS} days")
    return len(rows)


def reset():
    """Every visit count (the department's rows stay when the schools are deleted) and
    every saved report."""
    VisitCount.objects.all().delete()
    SavedReport.objects.all().delete()


# The builder's saved reports (R-REP-3, R-REP-4): what the department and school 1's
# staff have made and shared, saved through the builder's own action (with its log).
SAVED_REPORTS = [
    ("dept", "Контингент: ученики по школам и классам", "pupils", "city", "",
     {"columns": ["school", "class"], "group_by": ["school", "class"], "totals": True}),
    ("dept", "Движение учеников по школам", "movement", "department", "",
     {"columns": ["school", "kind"], "group_by": ["school", "kind"], "totals": True}),
    ("dept", "Должности сотрудников по школам", "staff", "city", Role.DIRECTOR,
     {"columns": ["school", "position"], "group_by": ["school", "position"],
      "totals": True}),
    ("school1.director", "Стаж педагогов", "staff", "school", "",
     {"columns": ["employee", "position", "teaching_experience"],
      "filters": [{"column": "teaches", "op": "yes", "value": ""}], "totals": True,
      "order": "-teaching_experience"}),
    ("school1.deputy", "Средняя отметка по предметам", "marks", "school", "",
     {"columns": ["subject", "number"], "group_by": ["subject"], "totals": True,
      "order": "-number"}),
    ("school1.deputy", "Долги по классам", "marks", "role", Role.DEPUTY_ACADEMIC,
     {"columns": ["class", "pupil"], "group_by": ["class", "pupil"],
      "filters": [{"column": "is_debt", "op": "yes", "value": ""}], "totals": True}),
    ("school1.medic", "Группы здоровья по классам", "pupils", "owner", "",
     {"columns": ["class", "health_group"], "group_by": ["class", "health_group"],
      "totals": True}),
]


def seed_saved_reports(city):
    users = {user.username: user for user in User.objects.filter(
        username__in={username for username, *_rest in SAVED_REPORTS})}
    for username, title, source, audience, role, definition in SAVED_REPORTS:
        user = users.get(username)
        if user is None:
            continue
        school = None
        if audience in ("role", "school", "owner") and user.person.staff_records.exists():
            school = user.person.staff_records.first().institution
        actions.save(user, SavedReport(title=title, source=source, audience=audience,
                                       role=role, institution=school,
                                       definition=definition))
