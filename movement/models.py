"""The movement book (R-MOV-1, R-MOV-2): every enrolment, class transfer, promotion,
repeated year, graduation and leaving of a pupil, each with the school's order.

The book is the pupil's history and is never edited: a row, once written, refuses to
be saved again or deleted (here, in the queryset and in the admin, which has no such
views). A mistake is undone by a cancelling movement that points at the one it
cancels, under an order of its own (``actions.cancel``).

R-MOV-2 is checked in ``Movement.clean``, which ``save`` runs for every new row, so
every path (the actions, the import, the admin, the demo's inserts through
``check_first_movements``) keeps it: a pupil's first movement is an enrolment, and no
other movement of theirs is dated before it.

Within the city (issue 14, item 2) a pupil leaving for another school of the city is
offered there as an ``Arrival``: the receiving school sees the person, the school they
come from, their grade and the transcript it is given (the finals, as a snapshot), and
accepts them with its own enrolment order into a record of its own.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.access import ScopedQuerySet


class BookIsImmutable(Exception):
    """Raised on any attempt to change or delete a written row of the movement book."""


class MovementKind(models.TextChoices):
    ENROLMENT = "enrolment", _("enrolment")
    TRANSFER = "transfer", _("transfer to another class")
    PROMOTION = "promotion", _("promotion to the next grade")
    REPEAT = "repeat", _("repeating the year")
    GRADUATION = "graduation", _("graduation")
    LEAVING = "leaving", _("leaving the school")
    CANCELLATION = "cancellation", _("cancellation")


# The movements after which the pupil is no longer in the school.
GONE = (MovementKind.LEAVING, MovementKind.GRADUATION)


class OrderKind(models.TextChoices):
    ENROLMENT = "enrolment", _("on enrolment")
    MOVEMENT = "movement", _("on movement within the school")
    PROMOTION = "promotion", _("on promotion")
    GRADUATION = "graduation", _("on graduation")
    LEAVING = "leaving", _("on leaving")
    CANCELLATION = "cancellation", _("on cancelling an order")


ORDER_KIND_OF = {
    MovementKind.ENROLMENT: OrderKind.ENROLMENT,
    MovementKind.TRANSFER: OrderKind.MOVEMENT,
    MovementKind.PROMOTION: OrderKind.PROMOTION,
    MovementKind.REPEAT: OrderKind.PROMOTION,
    MovementKind.GRADUATION: OrderKind.GRADUATION,
    MovementKind.LEAVING: OrderKind.LEAVING,
    MovementKind.CANCELLATION: OrderKind.CANCELLATION,
}


class DestinationKind(models.TextChoices):
    CITY_SCHOOL = "city_school", _("another school of the city")
    OUTSIDE = "outside", _("a school outside the city")
    OTHER = "other", _("other")


class ImmutableQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise BookIsImmutable(_("The movement book cannot be edited."))

    def delete(self):
        raise BookIsImmutable(_("The movement book cannot be edited."))


class OrderQuerySet(ImmutableQuerySet):
    pass


class Order(models.Model):
    """An order of the school (приказ): its number is unique in the school within the
    calendar year of its date. One order may carry many movements (a class enrolled
    together, the year's promotion)."""

    institution = models.ForeignKey("records.Institution", on_delete=models.PROTECT,
                                    related_name="orders", verbose_name=_("institution"))
    number = models.CharField(_("order number"), max_length=30)
    date = models.DateField(_("order date"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    kind = models.CharField(_("order kind"), max_length=20, choices=OrderKind.choices)
    text = models.TextField(_("text of the order"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, editable=False, related_name="+",
                                   verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = OrderQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "number"],
                                    name="order_number_unique_in_school_year"),
        ]

    def __str__(self):
        return _("Order No. %(number)s of %(date)s") % {
            "number": self.number, "date": f"{self.date:%d.%m.%Y}"}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise BookIsImmutable(_("A written order cannot be changed."))
        self.year = self.date.year
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise BookIsImmutable(_("A written order cannot be deleted."))

    def clean(self):
        self.number = (self.number or "").strip()
        if not self.number:
            raise ValidationError({"number": _("Enter the order's number.")})
        if self.date:
            self.year = self.date.year
            same = Order.objects.filter(institution_id=self.institution_id, year=self.year,
                                        number=self.number).exclude(pk=self.pk)
            if same.exists():
                raise ValidationError({"number": _(
                    "The school already has an order No. %(number)s in %(year)s.")
                    % {"number": self.number, "year": self.year}})


class MovementQuerySet(ImmutableQuerySet):
    def effective(self):
        """Movements that stand: neither cancelled nor a cancellation."""
        return self.exclude(kind=MovementKind.CANCELLATION).filter(cancelled_by__isnull=True)

    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)


class Movement(models.Model):
    institution = models.ForeignKey("records.Institution", on_delete=models.PROTECT,
                                    related_name="movements", verbose_name=_("institution"))
    pupil = models.ForeignKey("records.Pupil", on_delete=models.PROTECT,
                              related_name="movements", verbose_name=_("pupil"))
    kind = models.CharField(_("movement"), max_length=20, choices=MovementKind.choices)
    date = models.DateField(_("date"))
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="movements",
                              verbose_name=_("order"))
    from_class = models.ForeignKey("curriculum.SchoolClass", on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("from class"))
    to_class = models.ForeignKey("curriculum.SchoolClass", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("to class"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    destination_kind = models.CharField(_("where to"), max_length=20, blank=True,
                                        choices=DestinationKind.choices)
    destination_institution = models.ForeignKey(
        "records.Institution", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("school of the city"))
    destination = models.CharField(_("destination"), max_length=300, blank=True)
    cancels = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cancelled_by",
                                   verbose_name=_("cancels the movement"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, editable=False, related_name="+",
                                   verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = MovementQuerySet.as_manager()
    access_paths = {"institution": "institution_id", "class": "pupil__school_class_id",
                    "pupil": "pupil_id", "person": "pupil__person_id"}
    # What the department reads of the book (R-TEN-3): counts by kind, no pupil.
    limited_fields = ["institution", "kind", "date"]

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movement book")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["institution", "date"]),
                   models.Index(fields=["pupil", "date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise BookIsImmutable(_("The movement book cannot be edited: write a "
                                    "cancelling order instead."))
        self.full_clean()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise BookIsImmutable(_("The movement book cannot be edited: write a cancelling "
                                "order instead."))

    def clean(self):
        errors = {}
        if self.pupil_id and self.institution_id and \
                self.pupil.institution_id != self.institution_id:
            errors["pupil"] = _("The pupil belongs to another school.")
        if self.order_id and self.order.institution_id != self.institution_id:
            errors["order"] = _("The order belongs to another school.")
        for name in ("from_class", "to_class"):
            school_class = getattr(self, name)
            if school_class is not None and school_class.institution_id != self.institution_id:
                errors[name] = _("The class belongs to another school.")
        if self.kind == MovementKind.LEAVING:
            if not self.destination_kind:
                errors["destination_kind"] = _("Say where the pupil leaves for.")
            elif self.destination_kind == DestinationKind.CITY_SCHOOL:
                if self.destination_institution_id is None:
                    errors["destination_institution"] = _("Choose the school of the city.")
                elif self.destination_institution_id == self.institution_id:
                    errors["destination_institution"] = _(
                        "The pupil cannot leave for their own school.")
            elif not self.destination.strip():
                errors["destination"] = _("Write where the pupil leaves for.")
        if (self.kind == MovementKind.CANCELLATION) != (self.cancels_id is not None):
            errors["cancels"] = _("A cancellation names the movement it cancels, and only "
                                  "a cancellation does.")
        if errors:
            raise ValidationError(errors)
        if self.pupil_id and self.date:
            self.check_book_order()

    def check_book_order(self):
        """R-MOV-2: the pupil's first movement is an enrolment; no other movement is
        dated before it; an enrolment comes first or after the pupil left."""
        book = Movement.objects.filter(pupil_id=self.pupil_id).exclude(pk=self.pk)
        standing = book.effective()
        if self.kind == MovementKind.CANCELLATION:
            cancelled = self.cancels
            if cancelled.pupil_id != self.pupil_id:
                raise ValidationError(_("The cancelled movement is another pupil's."))
            if cancelled.kind == MovementKind.CANCELLATION:
                raise ValidationError(_("A cancellation cannot be cancelled."))
            if Movement.objects.filter(cancels_id=cancelled.pk).exclude(pk=self.pk).exists():
                raise ValidationError(_("This movement is already cancelled."))
            if self.date < cancelled.date:
                raise ValidationError(_("A movement cannot be cancelled before its date."))
            return
        last = standing.filter(date__lte=self.date).order_by("-date", "-pk").first()
        if self.kind == MovementKind.ENROLMENT:
            if last is not None and last.kind not in GONE:
                raise ValidationError(_("The pupil is already enrolled in the school."))
            if last is None and standing.filter(date__lt=self.date).exists():
                raise ValidationError(_("The pupil's enrolment must come before any "
                                        "other movement of theirs."))
            return
        first = standing.order_by("date", "pk").first()
        if first is None or first.kind != MovementKind.ENROLMENT or first.date > self.date:
            raise ValidationError(_("The pupil has no enrolment order before %(date)s: the "
                                    "first movement of a pupil is their enrolment.")
                                  % {"date": f"{self.date:%d.%m.%Y}"})
        if last is not None and last.kind in GONE:
            raise ValidationError(_("The pupil has left the school on %(date)s.")
                                  % {"date": f"{last.date:%d.%m.%Y}"})


def check_first_movements(movements):
    """R-MOV-2 for rows written in bulk (the demo): every pupil's earliest movement is
    an enrolment. Raises ValidationError naming the first pupil that breaks it."""
    first = {}
    for row in sorted(movements, key=lambda m: (m.date, m.kind != MovementKind.ENROLMENT)):
        first.setdefault(row.pupil_id, row)
    for row in first.values():
        if row.kind != MovementKind.ENROLMENT:
            raise ValidationError(_("The pupil has no enrolment order before %(date)s: the "
                                    "first movement of a pupil is their enrolment.")
                                  % {"date": f"{row.date:%d.%m.%Y}"})


class ArrivalState(models.TextChoices):
    OFFERED = "offered", _("offered")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ArrivalQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state=ArrivalState.OFFERED)


class Arrival(models.Model):
    """A pupil leaving one school of the city for another, as the receiving school
    sees it: the person, where they come from, their grade and the transcript they
    bring. Only the receiving school reads it (``access_paths``): the leaving school
    keeps its own leaving movement, and nothing of what the receiving school does
    with the arrival shows back."""

    institution = models.ForeignKey("records.Institution", on_delete=models.PROTECT,
                                    related_name="arrivals",
                                    verbose_name=_("receiving school"))
    person = models.ForeignKey("records.Person", on_delete=models.PROTECT,
                               related_name="arrivals", verbose_name=_("surname and name"))
    from_institution = models.ForeignKey("records.Institution", on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("from school"))
    leaving = models.OneToOneField(Movement, on_delete=models.PROTECT, related_name="arrival",
                                   verbose_name=_("leaving movement"))
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    left_on = models.DateField(_("left the school on"))
    transcript = models.JSONField(_("transcript"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=ArrivalState.choices,
                             default=ArrivalState.OFFERED)
    pupil = models.ForeignKey("records.Pupil", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+",
                              verbose_name=_("pupil record of the receiving school"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))

    objects = ArrivalQuerySet.as_manager()
    access_paths = {"institution": "institution_id"}

    class Meta:
        verbose_name = _("arriving pupil")
        verbose_name_plural = _("arriving pupils")
        ordering = ["-left_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(institution=models.F("from_institution")),
                                   name="arrival_from_another_school"),
        ]

    def __str__(self):
        return self.person.full_name
