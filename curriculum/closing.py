"""The closed-period rule (R-JRN-4): once the deputy director closes a period, nothing
that stands in it changes — whoever writes, from wherever.

A row of the journal or the timetable stands on a date of a class: a lesson on its
date; its works, marks, attendance, homework and homework files on their lesson's; a
timetable change on the dates it changes; a period's final on the last day of its
period, a year's or an exam's final on the last day of the year. Each such model says
where that is with ``period_place`` (ORM paths, like ``access_paths``) and takes the
``PeriodGuarded`` mixin; its queryset takes ``PeriodGuardedQuerySet``. Then:

- ``save()`` and ``delete()`` refuse a row that stands (or stood, before the change) in
  a period closed for its class, raising ``PeriodClosed`` (a ``ValidationError``);
- ``full_clean()`` says so on the form, so the admin shows the message and saves nothing;
- the queryset's ``update()``, ``delete()``, ``bulk_create()`` and ``bulk_update()`` do
  the same for every row they write; code that writes many rows at once and should
  skip the closed ones instead (regenerating lessons, filling topics from a plan) asks
  ``open_only()`` or ``in_closed_periods()`` first.

Which period is "the class's" is ``Period.objects.for_class``: the period type its grade
uses that year. A period is closed for the classes of its year whose grade uses its type.

Closing waits for saves in flight, and a save waits for a close in progress: every
check reads the period rows it depends on with a shared lock (``FOR SHARE`` on
PostgreSQL) held to the end of the saving transaction, and ``finals.close_period`` locks
the period ``FOR UPDATE``. Saves share the lock, so they never wait for each other; a
close waits for the saves that checked the period before it, and a save that checks
while a close is in progress waits for it, then reads the period as closed.
"""

import contextlib
import contextvars
import functools
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, models, router, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

_UNKNOWN = object()

# {(database, year, first day, last day): ClosedPeriods} while ``remembering()``.
_REMEMBERED = contextvars.ContextVar("closed_periods_remembered", default=None)


@contextlib.contextmanager
def remembering():
    """Inside one saving transaction (the caller's ``atomic``, around the whole
    block), checks of the same days read the periods once: a cell's save checks its
    lesson, then the cell itself stands on the same lesson. The first read's shared
    lock holds those period rows until the transaction ends, so a second read could
    only find the same; nothing in the block may close or reopen a period."""
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


class PeriodClosed(ValidationError):
    def __init__(self, period):
        super().__init__(_("The period %(period)s is closed: ask the deputy director to "
                           "reopen it.") % {"period": period}, code="period_closed")
        self.period = period


@dataclass(frozen=True)
class PeriodPlace:
    """Where a row stands: ORM paths from the row to its academic year, its class and
    its dates. The row stands on every date set among ``dates``; an entry of ``dates``
    that is a tuple of paths takes the first of them that is set."""

    year: str
    school_class: str
    dates: tuple

    def _date_choices(self):
        return [entry if isinstance(entry, tuple) else (entry,) for entry in self.dates]

    def paths(self):
        return [self.year, self.school_class,
                *(path for choice in self._date_choices() for path in choice)]

    def local_attnames(self, model):
        """The row's own columns the paths start from (``lesson_id``, ``date``): worked
        out once per model, since every row read from the database asks."""
        return _local_attnames(self, model)

    def spots(self, values):
        """[(class pk, date)] for one row's ``{path: value}``."""
        school_class = values.get(self.school_class)
        if values.get(self.year) is None or school_class is None:
            return []
        found = []
        for choice in self._date_choices():
            day = next((values[path] for path in choice if values.get(path) is not None), None)
            if day is not None:
                found.append((school_class, day))
        return found

    def within(self, period, class_ids):
        """The condition on rows that stand in ``period`` for one of ``class_ids``."""
        condition = Q(pk__in=[])
        rows = {self.year: period.academic_year_id, f"{self.school_class}__in": class_ids}
        for choice in self._date_choices():
            earlier_unset = Q()
            for path in choice:
                condition |= earlier_unset & Q(**rows, **{f"{path}__gte": period.starts_on,
                                                          f"{path}__lte": period.ends_on})
                earlier_unset &= Q(**{f"{path}__isnull": True})
        return condition


@functools.cache
def _local_attnames(place, model):
    return frozenset(model._meta.get_field(path.split("__", 1)[0]).attname
                     for path in place.paths())


def locked_for_share(queryset):
    """The rows of ``queryset``, each locked against ``FOR UPDATE`` until the end of
    the transaction (``FOR SHARE``, which Django's ``select_for_update`` cannot ask
    for). SQLite has no row locks: there a writing transaction holds the database."""
    connection = connections[queryset.db]
    if not connection.features.has_select_for_update:
        return list(queryset)
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    return list(queryset.model._base_manager.raw(f"{sql} FOR SHARE OF {table}", params,
                                                 using=queryset.db))


class ClosedPeriods:
    """Some periods, read with a shared lock, and for which classes the closed ones
    are closed. What it reads beyond the periods it reads once, and only when one of
    them is closed."""

    def __init__(self, periods):
        self.closed = [period for period in periods if period.is_closed]
        self._types = {}  # academic year pk: {grade: period type pk}
        self._grades = {}  # class pk: grade
        self._class_types = {}  # (academic year pk, class pk): period type pk

    @classmethod
    def read(cls, queryset):
        return cls(locked_for_share(queryset.order_by()))

    @classmethod
    def on_days(cls, academic_year_id, days):
        """The periods of a year that contain any of ``days``."""
        from curriculum.models import Period

        return cls.read(Period.objects.filter(academic_year_id=academic_year_id,
                                              starts_on__lte=max(days),
                                              ends_on__gte=min(days)))

    @classmethod
    def of_years(cls, years):
        """Every period of some years (pks or a subquery of them)."""
        from curriculum.models import Period

        return cls.read(Period.objects.filter(academic_year_id__in=years))

    def _period_types(self, period):
        """{grade: the period type its classes use}, as ``Period.objects.for_class``
        chooses it: the grade's own type when the year has periods of it, else the
        school's default."""
        from curriculum.models import SchoolClass, period_types_by_grade

        year = period.academic_year_id
        if year not in self._types:
            own, default = period_types_by_grade(year, period.institution_id)
            classes = dict(SchoolClass.objects.filter(academic_year_id=year)
                           .values_list("pk", "grade"))
            self._grades.update(classes)
            self._types[year] = {grade: own.get(grade, default)
                                 for grade in set(classes.values())}
        return self._types[year]

    def classes_of(self, period):
        """The pks of the classes ``period`` is the period of."""
        types = self._period_types(period)
        return sorted(pk for pk, grade in self._grades.items()
                      if types.get(grade) == period.period_type_id)

    def _class_type(self, school_class_id, period):
        """The period type one class uses in ``period``'s year, chosen as in
        ``_period_types`` but read for that class alone (one query, where the whole
        year's choice takes four): a save checks one lesson's class."""
        from .models import GradePeriodType, InstitutionSettings, Period, SchoolClass

        year = period.academic_year_id
        key = (year, school_class_id)
        if year not in self._types and key not in self._class_types and any(
                asked_year == year for asked_year, _class in self._class_types):
            # A second class of the year (a bulk write): the whole year's choice once.
            self._period_types(period)
        if year in self._types:
            return self._types[year].get(self._grades.get(school_class_id))
        if key not in self._class_types:
            grade_type = GradePeriodType.objects.filter(
                academic_year_id=year, grade=OuterRef("grade"),
                period_type_id__in=Period.objects.filter(academic_year_id=year)
                .values("period_type_id")).values("period_type_id")[:1]
            default = InstitutionSettings.objects.filter(
                institution_id=period.institution_id).values("default_period_type_id")[:1]
            row = (SchoolClass.objects.filter(pk=school_class_id, academic_year_id=year)
                   .values_list(Subquery(grade_type), Subquery(default)).first())
            self._class_types[key] = None if row is None else (
                row[0] if row[0] is not None else row[1])
        return self._class_types[key]

    def period_of(self, school_class_id, day):
        """The closed period of the class that contains ``day``, or None."""
        for period in self.closed:
            if period.starts_on <= day <= period.ends_on:
                if self._class_type(school_class_id, period) == period.period_type_id:
                    return period
        return None

    def condition(self, place):
        """The condition on rows (of a model at ``place``) in one of these closed
        periods."""
        condition = Q(pk__in=[])
        for period in self.closed:
            condition |= place.within(period, self.classes_of(period))
        return condition


# Reading where rows stand ---------------------------------------------------------------


def resolve(objs, paths):
    """[{path: value}] for each of ``objs`` (instances of one model): related rows
    already loaded are followed, the others read with one query per relation."""
    rows = [{} for _obj in objs]
    related = {}
    for path in paths:
        name, _sep, rest = path.partition("__")
        if rest:
            related.setdefault(name, []).append((path, rest))
        else:
            for row, obj in zip(rows, objs, strict=True):
                row[path] = getattr(obj, name)
    for name, items in related.items():
        field = type(objs[0])._meta.get_field(name)
        rests = [rest for _path, rest in items]
        loaded = [(n, getattr(obj, name)) for n, obj in enumerate(objs) if field.is_cached(obj)]
        loaded = [(n, row) for n, row in loaded if row is not None]
        found = dict(zip([n for n, _row in loaded],
                         resolve([row for _n, row in loaded], rests) if loaded else [],
                         strict=True))
        keys = {n: getattr(obj, field.attname) for n, obj in enumerate(objs)
                if not field.is_cached(obj)}
        wanted = {key for key in keys.values() if key is not None}
        if wanted:
            by_key = {values.pop("pk"): values for values in field.related_model._base_manager
                      .filter(pk__in=wanted).values("pk", *rests)}
            found.update({n: by_key.get(key, {}) for n, key in keys.items()})
        for n, row in enumerate(rows):
            values = found.get(n, {})
            row.update({path: values.get(rest) for path, rest in items})
    return rows


def check_places(model, objs):
    """Refuse when one of ``objs`` (instances of ``model``, as they are in memory)
    stands in a closed period."""
    place = model.period_place
    by_year = {}
    for values in resolve(objs, place.paths()) if objs else []:
        spots = place.spots(values)
        if spots:
            by_year.setdefault(values[place.year], []).extend(spots)
    remembered = _REMEMBERED.get()
    for year, spots in by_year.items():
        days = [day for _class, day in spots]
        key = (router.db_for_write(model), year, min(days), max(days))
        periods = remembered.get(key) if remembered is not None else None
        if periods is None:
            periods = ClosedPeriods.on_days(year, days)
            if remembered is not None and transaction.get_connection(key[0]).in_atomic_block:
                remembered[key] = periods
        for school_class, day in spots:
            period = periods.period_of(school_class, day)
            if period is not None:
                raise PeriodClosed(period)


def check_rows(queryset):
    """Refuse when one of the rows of ``queryset`` (as stored) stands in a closed
    period."""
    place = queryset.model.period_place
    periods = ClosedPeriods.of_years(queryset.values(place.year))
    for period in periods.closed:
        if queryset.filter(place.within(period, periods.classes_of(period))).exists():
            raise PeriodClosed(period)


def open_only(rows):
    """The rows (unsaved or changed instances of one guarded model, a list or the
    values of a dict) that stand in no closed period, in the same shape: what a bulk
    writer may write."""
    items = list(rows.items()) if isinstance(rows, dict) else list(enumerate(rows))
    if not items:
        return rows
    model = type(items[0][1])
    place = model.period_place
    values = resolve([row for _key, row in items], place.paths())
    periods = {}
    kept = []
    for (key, row), row_values in zip(items, values, strict=True):
        spots = place.spots(row_values)
        if spots:
            year = row_values[place.year]
            if year not in periods:
                periods[year] = ClosedPeriods.of_years([year])
            if any(periods[year].period_of(c, day) is not None for c, day in spots):
                continue
        kept.append((key, row))
    return dict(kept) if isinstance(rows, dict) else [row for _key, row in kept]


# The mixins -----------------------------------------------------------------------------


def _writing(model, instance=None):
    """One transaction around the check and the write, so the shared lock is held
    until the write commits. Inside a caller's transaction that one holds it: a refusal
    then leaves the caller's transaction usable (the check only read)."""
    using = router.db_for_write(model, instance=instance)
    if transaction.get_connection(using).in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic(using=using)


class PeriodGuarded:
    """A model whose rows stand in a period (see the module's docstring). Set
    ``period_place``; ``period_free_fields`` may name bookkeeping columns that a save
    or update of only them may still change in a closed period (nothing the journal
    shows)."""

    period_place = None
    period_free_fields = ()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._period_stored = instance._period_columns()
        return instance

    def _period_columns(self):
        return {name: self.__dict__.get(name, _UNKNOWN)
                for name in self.period_place.local_attnames(type(self))}

    def check_period_open(self):
        """Raise PeriodClosed when the row, as it is or as it is stored, stands in a
        closed period. Takes the shared lock on the periods concerned."""
        check_places(type(self), [self])
        if self.pk is not None and not self._state.adding and (
                getattr(self, "_period_stored", None) != self._period_columns()):
            # Moved (or of unknown origin): where it was counts too.
            check_rows(type(self)._base_manager.filter(pk=self.pk))

    def full_clean(self, *args, **kwargs):
        try:
            self.check_period_open()
        except PeriodClosed as error:
            raise ValidationError({NON_FIELD_ERRORS: error.messages}) from None
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= set(self.period_free_fields):
            return super().save(*args, **kwargs)
        with _writing(type(self), self):
            self.check_period_open()
            super().save(*args, **kwargs)
        self._period_stored = self._period_columns()

    def delete(self, *args, **kwargs):
        with _writing(type(self), self):
            self.check_period_open()
            return super().delete(*args, **kwargs)


class PeriodGuardedQuerySet(models.QuerySet):
    """The bulk writes of a ``PeriodGuarded`` model meet the same rule."""

    def in_closed_periods(self):
        """The rows that stand in a period closed for their class."""
        place = self.model.period_place
        return self.filter(ClosedPeriods.of_years(self.values(place.year)).condition(place))

    def update(self, **kwargs):
        if set(kwargs) <= set(self.model.period_free_fields):
            return super().update(**kwargs)
        columns = {self.model._meta.get_field(name).attname for name in kwargs}
        moved = columns & self.model.period_place.local_attnames(self.model)
        if moved:
            # Where the rows land counts too: checked after the update, which the
            # savepoint undoes on a refusal.
            with transaction.atomic(using=self.db):
                check_rows(self)
                pks = list(self.values_list("pk", flat=True))
                count = super().update(**kwargs)
                check_rows(self.model._base_manager.filter(pk__in=pks))
                return count
        with _writing(self.model):
            check_rows(self)
            return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        with _writing(self.model):
            check_rows(self)
            return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with _writing(self.model):
            check_places(self.model, objs)
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if not objs or set(fields) <= set(self.model.period_free_fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        with _writing(self.model):
            check_rows(self.model._base_manager.filter(pk__in=[obj.pk for obj in objs]))
            check_places(self.model, objs)
            return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True
