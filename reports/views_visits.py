"""The visit statistics page (R-DEP-4): logins, page views and the days with page views
of each school's role groups over a range of days (the last eight weeks by default),
the page views per week as a chart, and which schools' teachers and parents did not
use the portal. The department reads every school and its own use; a school's
leadership its school. Counted by reports/visits.py; read through ``visible_to``, in a
fixed number of queries whatever the number of schools and days."""

import datetime
import math

import django_tables2 as tables
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tables2 import RequestConfig

from portal.access import Role, today
from portal.exports import csv_response, xlsx_response
from records.models import Institution

from .models import VisitCount
from .rules import VIEW_VISITS
from .tables import NumberColumn, ReportTable
from .visits import (
    DEPARTMENT,
    GROUPS,
    LEADERS,
    OTHER_STAFF,
    SCHOOL_GROUPS,
    TEACHERS,
    in_range,
    mondays,
    totals,
    weekly,
)

WEEKS = 8  # shown by default: this week and the seven before it
MAX_DAYS = 400
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
NO_DAY = datetime.date.min  # a group without page views sorts below every day
FORMATS = ("csv", "xlsx")


class VisitsForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("From"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("To"),
                              widget=forms.DateInput(attrs={"type": "date"}))
    # Choices of the schools already read for the page: no query to draw or check them.
    school = forms.ChoiceField(label=gettext_lazy("School"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), required=False)

    def __init__(self, data, *, schools, groups):
        data = data.copy()
        day = today()
        this_monday = day - datetime.timedelta(days=day.weekday())
        if not data.get("starts_on"):
            data["starts_on"] = (this_monday - datetime.timedelta(weeks=WEEKS - 1)).isoformat()
        if not data.get("ends_on"):
            data["ends_on"] = day.isoformat()
        super().__init__(data)
        self.schools = {str(school.pk): school for school in schools}
        self.fields["school"].choices = [("", _("All schools")), *(
            (key, school.short_name) for key, school in self.schools.items())]
        if len(schools) < 2:
            del self.fields["school"]
        self.fields["role"].choices = [("", _("All roles")),
                                       *((group, GROUPS[group]) for group in groups)]

    def clean_school(self):
        return self.schools.get(self.cleaned_data["school"])

    def clean(self):
        data = super().clean()
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last:
            if not (FIRST_DAY <= first <= LAST_DAY and FIRST_DAY <= last <= LAST_DAY):
                raise forms.ValidationError(_("Choose days between 2000 and 2100."))
            if last < first:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (last - first).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose at most a year of days."))
        return data


class DayColumn(tables.Column):
    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def render(self, value):
        return "—" if value == NO_DAY else date_format(value, "d.m.Y")


class VisitsTable(ReportTable):
    class Meta(ReportTable.Meta):
        pass

    school = tables.Column(verbose_name=gettext_lazy("School"))
    role = tables.Column(verbose_name=gettext_lazy("Role"))
    logins = NumberColumn(verbose_name=gettext_lazy("Sign-ins"))
    views = NumberColumn(verbose_name=gettext_lazy("Page views"))
    days = NumberColumn(verbose_name=gettext_lazy("Days with page views"))
    last = DayColumn(verbose_name=gettext_lazy("Last page view"))


def lines(found, schools, groups, with_department):
    """The table's rows: every school shown × every group shown, with zeros where
    nobody came (what the department looks for), and the department's own use."""
    names = {school.pk: school.short_name for school in schools}
    keys = [(school.pk, group) for school in schools for group in groups
            if group != DEPARTMENT]
    if with_department and DEPARTMENT in groups:
        keys.append((None, DEPARTMENT))
    known = set(keys)
    keys += [key for key in found if key not in known]
    rows = []
    for institution_id, group in keys:
        counts = found.get((institution_id, group), {})
        rows.append({
            "school": _("Department") if institution_id is None else names.get(
                institution_id, ""),
            "role": str(GROUPS.get(group, group)),
            "logins": counts.get("logins", 0), "views": counts.get("views", 0),
            "days": counts.get("days", 0), "last": counts.get("last") or NO_DAY,
        })
    return rows


def glance(found, schools, groups):
    """For the teachers and the parents: in how many of the schools shown they opened
    a page, and the schools where they did not."""
    items = []
    for group in (TEACHERS, Role.PARENT):
        if group not in groups:
            continue
        idle = [school.short_name for school in schools
                if not found.get((school.pk, group), {}).get("views")]
        used, total = len(schools) - len(idle), len(schools)
        text = (ngettext("Teachers opened the portal in %(used)s of %(total)s school.",
                         "Teachers opened the portal in %(used)s of %(total)s schools.", total)
                if group == TEACHERS else
                ngettext("Parents opened the portal in %(used)s of %(total)s school.",
                         "Parents opened the portal in %(used)s of %(total)s schools.", total))
        items.append({"text": text % {"used": used, "total": total}, "idle": idle})
    return items


# The chart: page views per week, stacked by group.
COLOURS = {
    LEADERS: "#6a4c93",
    TEACHERS: "#1f6fb2",
    OTHER_STAFF: "#8a96a3",
    Role.PARENT: "#f0a000",
    Role.PUPIL: "#7cb342",
    DEPARTMENT: "#b3261e",
}
WIDTH, LEFT, RIGHT, LEGEND, PLOT, BOTTOM = 720, 48, 12, 16, 180, 22
MAX_LABELS = 12


def nice_top(value):
    """The chart's top line: the smallest of 10, 12, 15, 20, 25, 30, 40, 50, 60, 80,
    100, 120… at least ``value``, so the bars fill most of the height."""
    step = 1
    while True:
        for multiple in (10, 12, 15, 20, 25, 30, 40, 50, 60, 80):
            if multiple * step >= value:
                return multiple * step
        step *= 10


def axis_label(value):
    """500 rather than 500,0; 0,5 stays."""
    return number_format(int(value) if value == int(value) else value)


def weekly_chart(by_week, weeks, groups, title):
    """Vertical bars, one per week, of the page views of ``groups`` stacked in the
    order of ``GROUPS``; ``by_week`` is {(Monday, group): views}."""
    legend, x, y = [], LEFT, 6
    for group in groups:
        name = str(GROUPS[group])
        room = 14 + 7 * len(name) + 14
        if x + room > WIDTH and x > LEFT:  # the next line of the legend
            x, y = LEFT, y + LEGEND
        legend.append({"x": x, "y": y, "text_x": x + 14, "text_y": y + 9,
                       "colour": COLOURS[group], "name": name})
        x += room
    top_line = y + LEGEND + 8
    sums = [sum(by_week.get((week, group), 0) for group in groups) for week in weeks]
    top = nice_top(max(sums, default=0))
    slot = (WIDTH - LEFT - RIGHT) / len(weeks)
    width = max(round(slot * 0.7, 1), 1)
    every = math.ceil(len(weeks) / MAX_LABELS)
    floor = top_line + PLOT
    bars = []
    for index, week in enumerate(weeks):
        x = LEFT + index * slot + (slot - width) / 2
        label = date_format(week, "d.m")
        y, parts = floor, []
        for group in groups:
            views = by_week.get((week, group), 0)
            if not views:
                continue
            height = views / top * PLOT
            y -= height
            parts.append({"y": round(y, 1), "height": round(height, 1),
                          "colour": COLOURS[group],
                          "title": f"{label}, {GROUPS[group]}: {views}"})
        bars.append({"x": round(x, 1), "width": width, "parts": parts,
                     "label": label if index % every == 0 else "",
                     "label_x": round(x + width / 2, 1)})
    grid = [{"y": round(floor - PLOT * share, 1), "label": axis_label(top * share)}
            for share in (0, 0.5, 1)]
    return render_to_string("reports/visits_chart.svg", {
        "title": title, "width": WIDTH, "height": floor + BOTTOM, "bars": bars,
        "legend": legend, "grid": grid, "left": LEFT, "right": WIDTH - RIGHT,
        "axis_x": LEFT - 6, "label_y": floor + 15,
    })


def export(fmt, table, title):
    header = [str(column.header) for column in table.columns]
    body = [["" if row.record[column.name] == NO_DAY else row.record[column.name]
             for column in table.columns] for row in table.rows]
    filename = f"visits-{today():%Y-%m-%d}"
    if fmt == "csv":
        return csv_response([header, *body], filename)
    return xlsx_response([header, *body], filename, title=str(title)[:31])


@login_required
def visits(request):
    user = request.user
    if not user.has_perm(VIEW_VISITS):
        raise PermissionDenied
    schools = [school for school in Institution.objects.order_by("short_name")
               if user.has_perm(VIEW_VISITS, VisitCount(institution_id=school.pk))]
    # The department's own use: rows without a school, for who reads the whole city.
    with_department = user.has_perm(VIEW_VISITS, VisitCount(institution_id=None))
    groups = SCHOOL_GROUPS + ([DEPARTMENT] if with_department else [])
    form = VisitsForm(request.GET, schools=schools, groups=groups)
    title = _("Visit statistics")
    page = {"form": form, "title": title, "subtitle": "", "table": None, "chart": None,
            "glance": []}
    if not form.is_valid():
        return render(request, "reports/visits.html", page)
    data = form.cleaned_data
    starts_on, ends_on = data["starts_on"], data["ends_on"]
    school, group = data.get("school"), data.get("role")
    counts = in_range(VisitCount.objects.visible_to(user, VIEW_VISITS), starts_on, ends_on)
    shown_schools, shown_groups = schools, groups
    if school:
        counts = counts.filter(institution=school)
        shown_schools, shown_groups = [school], [g for g in groups if g != DEPARTMENT]
    if group:
        counts = counts.filter(role=group)
        shown_groups = [group]
        if group == DEPARTMENT:
            shown_schools = []
    found = totals(counts)
    table = VisitsTable(lines(found, shown_schools, shown_groups,
                              with_department and not school))
    RequestConfig(request, paginate=False).configure(table)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return export(fmt, table, title)
    by_week = weekly(counts)
    chart = None
    if any(by_week.values()):
        chart = weekly_chart(by_week, mondays(starts_on, ends_on), shown_groups, title)
    page.update(
        table=table, chart=chart,
        glance=glance(found, shown_schools, shown_groups) if len(shown_schools) > 1 else [],
        subtitle=" · ".join(filter(None, [
            f"{starts_on:%d.%m.%Y} — {ends_on:%d.%m.%Y}",
            school.short_name if school else "",
            str(GROUPS[group]) if group else ""])),
    )
    return render(request, "reports/visits.html", page)
