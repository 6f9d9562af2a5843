"""The movement book of the demo city (issue 14, item 9): the finished previous year
each school rolled over into this one (its classes, year finals, graduates, and the
promotion and graduation orders in the book); every pupil's enrolment by an order of
their school, written in bulk; then, through the book's own actions (so they are logged
like the secretary's), a few transfers between the parallel classes of school 2, a
leaver of each school and one pupil moving from school 1 to school 2, whom school 2
accepts.

Called by ``portal.demo.city.CityBuilder`` before the journals, which follow the class
memberships the movements end and open; ``after_journals`` then gives the arrival the
mover's finals. Deterministic: the choices follow the pupils' order, the only
random draws come from a stream of their own.
"""

import datetime
import random
from collections import defaultdict

from curriculum.models import SchoolClass
from records.models import Guardianship, Pupil, User

from . import actions
from .demo_rollover import previous_year
from .models import (
    Arrival,
    DestinationKind,
    Movement,
    MovementKind,
    Order,
    OrderKind,
    check_first_movements,
)

BATCH = 2000
REASONS = ["по заявлению родителей", "смена места жительства", "по заявлению законного "
           "представителя"]


def enrolment_orders(pupils):
    """One enrolment order per school and day, numbered in each school's year:
    {(institution pk, day): Order} (unsaved)."""
    days = sorted({(p.institution_id, p.enrolled_on) for p in pupils})
    numbers = defaultdict(int)
    orders = {}
    for institution_id, day in days:
        numbers[institution_id, day.year] += 1
        orders[institution_id, day] = Order(
            institution_id=institution_id, date=day, year=day.year, kind=OrderKind.ENROLMENT,
            number=f"{numbers[institution_id, day.year]}-у",
            text="О зачислении обучающихся")
    return orders


def write_enrolments(pupils, into=None, later=()):
    """Every pupil's enrolment, in bulk, into their class or the one ``into`` names
    ({pupil pk: class pk}: the previous year's); R-MOV-2 checked on the rows written
    with the ``later`` movements of the same pupils."""
    into = into or {}
    orders = enrolment_orders(pupils)
    Order.objects.bulk_create(orders.values(), batch_size=BATCH)
    movements = [
        Movement(institution_id=p.institution_id, pupil_id=p.pk, kind=MovementKind.ENROLMENT,
                 date=p.enrolled_on, order=orders[p.institution_id, p.enrolled_on],
                 to_class_id=into.get(p.pk, p.school_class_id))
        for p in pupils]
    check_first_movements([*movements, *later])
    Movement.objects.bulk_create(movements, batch_size=BATCH)
    return len(movements)


def school_day_before(day, year_start):
    day -= datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day if day >= year_start else None


def plain_pupils(school_class):
    """Pupils of a class with no demo login in their family, in a fixed order: the
    ones the book may move without changing a demo account's pages."""
    families = Guardianship.objects.filter(parent__person__user__isnull=False).values("pupil_id")
    return list(Pupil.objects.of_class(school_class).current()
                .filter(person__user__isnull=True).exclude(pk__in=families)
                .select_related("person", "school_class").order_by("-pk"))


def build(builder):
    previous = previous_year(builder)
    write_enrolments(builder.pupils + previous.graduates, into=previous.enrolled_into,
                     later=previous.movements)
    Movement.objects.bulk_create(previous.movements, batch_size=BATCH)
    school1, school2 = builder.schools[0], builder.schools[1]
    on = school_day_before(builder.today, builder.year_start)
    if on is None:  # a city built before its year began: enrolments only
        return
    rnd = random.Random(f"movement-{builder.random_seed}")
    secretary = {1: User.objects.get(username="school1.secretary"),
                 2: User.objects.get(username="school2.secretary")}

    def classes(school, grade):
        return list(SchoolClass.objects.filter(academic_year=school["year"], grade=grade)
                    .order_by("letter"))

    def order(school, number, kind, text):
        return actions.order_for(school["institution"], number, on, kind, secretary[
            1 if school is school1 else 2], text=text)

    # Two transfers between the parallel fifth classes of school 2.
    fifth = classes(school2, 5)
    if len(fifth) >= 2:
        transfers = order(school2, "1-д", OrderKind.MOVEMENT, "О переводе обучающихся")
        for source, target in ((fifth[0], fifth[1]), (fifth[1], fifth[0])):
            pupil = plain_pupils(source)[0]
            actions.transfer(pupil, target, on, transfers, secretary[2],
                             reason=rnd.choice(REASONS))
    # A leaver of each school, outside the city and elsewhere.
    for school, grade, kind, where in ((school1, 8, DestinationKind.OUTSIDE,
                                        "МОБУ СОШ № 3 г. Покровска"),
                                       (school2, 7, DestinationKind.OTHER,
                                        "семейное образование")):
        leaving = order(school, "1-в", OrderKind.LEAVING, "Об отчислении обучающихся")
        pupil = plain_pupils(classes(school, grade)[0])[0]
        actions.leave(pupil, on, leaving, secretary[1 if school is school1 else 2],
                      destination_kind=kind, destination=where, reason=rnd.choice(REASONS))
    # One pupil of school 1's sixth grade moves to school 2, which accepts them.
    leaving = order(school1, "1-в", OrderKind.LEAVING, "Об отчислении обучающихся")
    mover = plain_pupils(classes(school1, 6)[0])[0]
    movement = actions.leave(mover, on, leaving, secretary[1],
                             destination_kind=DestinationKind.CITY_SCHOOL,
                             destination_institution=school2["institution"],
                             reason="смена места жительства")
    arrival = Arrival.objects.get(leaving=movement)
    enrolment = order(school2, "1-п", OrderKind.ENROLMENT, "О зачислении обучающихся")
    actions.accept_arrival(arrival, classes(school2, 6)[0], on, enrolment, secretary[2])


def after_journals(builder):
    """The transcript of the pupils who moved, from the finals the journals wrote."""
    for arrival in Arrival.objects.select_related("leaving__pupil__institution"):
        Arrival.objects.filter(pk=arrival.pk).update(
            transcript=actions.transcript_of(arrival.leaving.pupil))


def reset():
    """The book refuses deletes row by row; the demo's reset empties it whole, with
    its log entries."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    ModelLogEntry.objects.filter(content_type__in=[
        ContentType.objects.get_for_model(model) for model in (Arrival, Movement, Order)
    ]).delete()
    for model in (Arrival, Movement, Order):
        model.objects.all()._raw_delete(model.objects.db)
