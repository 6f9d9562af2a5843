"""Named changes of the movement book. Each is one transaction and writes the log:
the movement under ``movement.<kind>``, the pupil's card as a new version. Only these
write ``Pupil.school_class``, ``enrolled_on`` and ``left_on`` (R-MOV-1)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from curriculum.models import ClassMembership, SubgroupMembership
from journal.models import FinalMark
from portal.history import ensure_baseline, record_change
from records.models import Pupil

from .models import (
    ORDER_KIND_OF,
    Arrival,
    ArrivalState,
    DestinationKind,
    Movement,
    MovementKind,
    Order,
)

ACTION = "movement.{kind}"
TRANSFERRED = ACTION.format(kind=MovementKind.TRANSFER)
ARRIVAL_ACCEPTED = "movement.arrival_accepted"
ARRIVAL_DECLINED = "movement.arrival_declined"


def order_for(institution, number, date, kind, user, text=""):
    """The school's order No. ``number`` of ``date``: the one already written (several
    movements under one order), or a new one. The same number in the same year with
    another date or kind is refused."""
    number = str(number or "").strip()
    if not number or date is None:
        raise ValidationError(_("Enter the order's number and date."))
    existing = Order.objects.filter(institution=institution, year=date.year,
                                    number=number).first()
    if existing is not None:
        if existing.date != date or existing.kind != kind:
            raise ValidationError(_(
                "The school already has an order No. %(number)s in %(year)s, of "
                "%(date)s (%(kind)s).") % {"number": number, "year": date.year,
                                           "date": f"{existing.date:%d.%m.%Y}",
                                           "kind": existing.get_kind_display()})
        return existing
    order = Order(institution=institution, number=number, date=date, kind=kind, text=text,
                  created_by=user)
    order.full_clean()
    order.save()
    log(order, "wagtail.create", user=user)
    return order


def _write(pupil, kind, on, order, user, **fields):
    if order.kind != ORDER_KIND_OF[kind]:
        raise ValidationError(_("The order is %(kind)s; this movement needs another kind "
                                "of order.") % {"kind": order.get_kind_display()})
    movement = Movement(institution_id=pupil.institution_id, pupil=pupil, kind=kind, date=on,
                        order=order, created_by=user, **fields)
    movement.save()  # full_clean, R-MOV-2 included
    log(movement, ACTION.format(kind=kind), user=user, data={
        "pupil": pupil.pk, "order": order.number, "on": on.isoformat()})
    return movement


def _locked(pupil):
    return Pupil.objects.select_for_update().get(pk=pupil.pk)


def _card(pupil, user, action, **values):
    ensure_baseline(pupil)
    for name, value in values.items():
        setattr(pupil, name, value)
    pupil.save(update_fields=list(values))
    record_change(pupil, user, action)


@transaction.atomic
def enrol(pupil, to_class, on, order, user, reason=""):
    """R-MOV-2: the pupil's enrolment, their first movement, into ``to_class`` from
    ``on``. ``pupil`` is the school's record (saved, possibly just made)."""
    pupil = _locked(pupil)
    if to_class is not None and to_class.institution_id != pupil.institution_id:
        raise ValidationError(_("The class belongs to another school."))
    movement = _write(pupil, MovementKind.ENROLMENT, on, order, user, to_class=to_class,
                      reason=reason)
    if to_class is not None:
        _open_membership(pupil, to_class, on)
    _card(pupil, user, ACTION.format(kind=MovementKind.ENROLMENT), school_class=to_class,
          enrolled_on=on, left_on=None)
    return movement


def _open_membership(pupil, to_class, on):
    memberships = ClassMembership.objects.select_for_update().filter(pupil=pupil)
    if memberships.filter(starts_on__gte=on).exists():
        raise ValidationError(_("The pupil's class already changes on or after this date; "
                                "choose a later date."))
    current = memberships.on(on).first()
    if current is not None:
        current.ends_on = on - datetime.timedelta(days=1)
        current.save(update_fields=["ends_on"])
    opened = ClassMembership(institution_id=pupil.institution_id, pupil=pupil,
                             school_class=to_class, starts_on=on)
    opened.full_clean()
    opened.save()
    return opened


@transaction.atomic
def transfer(pupil, to_class, on, order, user, reason=""):
    """R-CLS-1, R-MOV-1: the pupil leaves their class the day before ``on`` and is in
    ``to_class`` from ``on``, under the school's order. The memberships keep the dates;
    the pupil's card gets a version; the book gets the movement."""
    pupil = _locked(pupil)
    if to_class.institution_id != pupil.institution_id:
        raise ValidationError(_("A pupil can only be transferred within their school."))
    if to_class.pk == pupil.school_class_id:
        raise ValidationError(_("The pupil is already in this class."))
    year = to_class.academic_year
    if not (year.starts_on <= on <= year.ends_on):
        raise ValidationError(_("The date must lie within the academic year %(year)s.")
                              % {"year": year})
    from_class = pupil.school_class
    movement = _write(pupil, MovementKind.TRANSFER, on, order, user, from_class=from_class,
                      to_class=to_class, reason=reason)
    _open_membership(pupil, to_class, on)
    if from_class is not None:
        # The groups of the old class end with it.
        SubgroupMembership.objects.filter(pupil=pupil, subgroup__school_class=from_class,
                                          ends_on__isnull=True).update(
            ends_on=on - datetime.timedelta(days=1))
    _card(pupil, user, TRANSFERRED, school_class=to_class)
    return movement


def transcript_of(pupil):
    """What the receiving school is given (issue 14, item 2): the pupil's finals in
    this school, period by period and for the year, as a snapshot, not the journal."""
    finals = (FinalMark.objects.filter(pupil=pupil).exclude(value="")
              .select_related("academic_year", "subject", "period", "school_class")
              .order_by("academic_year__starts_on", "subject__name", "kind",
                        "period__number"))
    return {"school": pupil.institution.short_name, "finals": [
        {"year": final.academic_year.name, "class": str(final.school_class),
         "subject": final.subject.name, "kind": final.get_kind_display(),
         "period": final.period.number if final.period_id else None, "value": final.value}
        for final in finals]}


@transaction.atomic
def leave(pupil, on, order, user, destination_kind, destination_institution=None,
          destination="", reason=""):
    """The pupil leaves the school on ``on``. Leaving for another school of the city
    offers them there as an arrival with the transcript of their finals."""
    pupil = _locked(pupil)
    if destination_kind != DestinationKind.CITY_SCHOOL:
        destination_institution = None
    movement = _write(pupil, MovementKind.LEAVING, on, order, user,
                      from_class=pupil.school_class, destination_kind=destination_kind,
                      destination_institution=destination_institution,
                      destination=destination, reason=reason)
    ClassMembership.objects.filter(pupil=pupil, ends_on__isnull=True).update(ends_on=on)
    SubgroupMembership.objects.filter(pupil=pupil, ends_on__isnull=True).update(ends_on=on)
    _card(pupil, user, ACTION.format(kind=MovementKind.LEAVING), left_on=on)
    if destination_institution is not None:
        Arrival.objects.create(
            institution=destination_institution, person_id=pupil.person_id,
            from_institution_id=pupil.institution_id, leaving=movement,
            grade=pupil.school_class.grade if pupil.school_class_id else None,
            left_on=on, transcript=transcript_of(pupil))
    return movement


@transaction.atomic
def cancel(movement, order, user, on=None, reason=""):
    """Undo a movement by a cancelling order: the book keeps both. Only the pupil's
    latest standing movement can be cancelled, so what it changed is still as it left
    it."""
    pupil = _locked(movement.pupil)
    latest = Movement.objects.filter(pupil=pupil).effective().order_by("-date", "-pk").first()
    if latest is None or latest.pk != movement.pk:
        raise ValidationError(_("Only the pupil's latest movement can be cancelled: cancel "
                                "the later ones first."))
    arrival = Arrival.objects.select_for_update().filter(leaving=movement).first()
    if arrival is not None and arrival.state == ArrivalState.ACCEPTED:
        raise ValidationError(_("The receiving school has already enrolled the pupil."))
    on = on or order.date
    cancelling = _write(pupil, MovementKind.CANCELLATION, on, order, user, cancels=movement,
                        from_class=movement.to_class, to_class=movement.from_class,
                        reason=reason)
    memberships = ClassMembership.objects.select_for_update().filter(pupil=pupil)
    if movement.kind in (MovementKind.ENROLMENT, MovementKind.TRANSFER,
                         MovementKind.PROMOTION, MovementKind.REPEAT):
        memberships.filter(starts_on=movement.date, school_class=movement.to_class).delete()
        previous = memberships.filter(ends_on=movement.date - datetime.timedelta(days=1)) \
            .order_by("-starts_on").first()
        if previous is not None and movement.kind != MovementKind.ENROLMENT:
            previous.ends_on = None
            previous.save(update_fields=["ends_on"])
        if movement.from_class_id is not None:
            # The groups of the old class, which the transfer ended, go on.
            SubgroupMembership.objects.filter(
                pupil=pupil, subgroup__school_class_id=movement.from_class_id,
                ends_on=movement.date - datetime.timedelta(days=1)).update(ends_on=None)
        values = {"school_class": movement.from_class}
        if movement.kind == MovementKind.ENROLMENT:
            values.update(enrolled_on=None)
    else:  # leaving, graduation: the pupil is back in their class
        reopened = memberships.filter(ends_on=movement.date).order_by("-starts_on").first()
        if reopened is not None:
            reopened.ends_on = None
            reopened.save(update_fields=["ends_on"])
        SubgroupMembership.objects.filter(pupil=pupil, ends_on=movement.date).update(
            ends_on=None)
        values = {"left_on": None}
        if arrival is not None:
            arrival.state = ArrivalState.WITHDRAWN
            arrival.decided_at = timezone.now()
            arrival.save(update_fields=["state", "decided_at"])
    _card(pupil, user, ACTION.format(kind=MovementKind.CANCELLATION), **values)
    return cancelling


@transaction.atomic
def accept_arrival(arrival, to_class, on, order, user):
    """The receiving school enrols the arriving pupil with its own order: a record of
    its own for the same person, with no more than the minimum fields until its own
    consent is on record."""
    arrival = Arrival.objects.select_for_update().get(pk=arrival.pk)
    if arrival.state != ArrivalState.OFFERED:
        raise ValidationError(_("This arrival is already decided."))
    if to_class is not None and to_class.institution_id != arrival.institution_id:
        raise ValidationError(_("The class belongs to another school."))
    pupil, created = Pupil.objects.get_or_create(institution_id=arrival.institution_id,
                                                 person_id=arrival.person_id)
    if created:
        log(pupil, "wagtail.create", user=user)
    enrol(pupil, to_class, on, order, user, reason=_("Arrived from %(school)s") % {
        "school": arrival.from_institution.short_name})
    pupil.refresh_from_db()
    arrival.state, arrival.pupil = ArrivalState.ACCEPTED, pupil
    arrival.decided_at, arrival.decided_by = timezone.now(), user
    arrival.save(update_fields=["state", "pupil", "decided_at", "decided_by"])
    log(arrival, ARRIVAL_ACCEPTED, user=user)
    return pupil


@transaction.atomic
def decline_arrival(arrival, user):
    arrival = Arrival.objects.select_for_update().get(pk=arrival.pk)
    if arrival.state != ArrivalState.OFFERED:
        raise ValidationError(_("This arrival is already decided."))
    arrival.state = ArrivalState.DECLINED
    arrival.decided_at, arrival.decided_by = timezone.now(), user
    arrival.save(update_fields=["state", "decided_at", "decided_by"])
    log(arrival, ARRIVAL_DECLINED, user=user)
    return arrival
