"""Positions of staff (R-INST-4): the positions directory is the department's list plus
each school's own values (``DirectoryEntry`` of kind ``position``). What a school may
choose from, the value a typed name stands for, and the counts reports use."""

from django.db.models import Count, Q

from .models import DirectoryEntry, DirectoryKind, Staff


def key(text):
    """A position's name compared as people mean it: case and spacing aside."""
    return " ".join((text or "").split()).casefold()


def positions_of(institution):
    """The positions a school's staff may hold: the department's and the school's own
    values in use, the department's first."""
    return (DirectoryEntry.objects.filter(kind=DirectoryKind.POSITION, is_active=True)
            .filter(Q(institution__isnull=True) | Q(institution=institution))
            .order_by("institution_id", "sort_order", "name"))


def position_for(institution, name):
    """The value a typed position name stands for in ``institution``: the department's
    of that name, else the school's own, else a new value of the school's own (the data
    entry of a new school types its positions, as the free text of old did)."""
    text = " ".join((name or "").split())
    if not text:
        return None
    wanted = key(text)
    candidates = DirectoryEntry.objects.filter(kind=DirectoryKind.POSITION).filter(
        Q(institution__isnull=True) | Q(institution=institution))
    found = {}
    for entry in candidates:
        found.setdefault((entry.institution_id is not None, key(entry.name)), entry)
    entry = found.get((False, wanted)) or found.get((True, wanted))
    if entry is None:
        entry, _created = DirectoryEntry.objects.get_or_create(
            kind=DirectoryKind.POSITION, institution=institution, name=text[:200],
            defaults={"sort_order": 100})
    return entry


def count_by_position(staff=None, *, institution=None):
    """The current staff counted by position: ``[(position name, count), ...]`` by
    count, largest first, then by name; staff without a position are counted under
    ``""``. ``staff`` is a ``Staff`` queryset (e.g. ``visible_to(user)``), or all staff
    of ``institution``."""
    if staff is None:
        staff = Staff.objects.all()
    if institution is not None:
        staff = staff.filter(institution=institution)
    rows = (staff.current().order_by().values("position__name")
            .annotate(count=Count("pk")).order_by("-count", "position__name"))
    return [(row["position__name"] or "", row["count"]) for row in rows]
