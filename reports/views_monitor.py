"""The regulation monitor's page (R-DEP-5): a row per school, a column per item of the
regulation the records can show, each cell done, late or not due yet (reports/
monitor.py); the items the records cannot show are listed below it. The department
reads every school, a school's leadership its own row; others get 403. The same
table as CSV and XLSX."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from portal.access import today
from portal.exports import csv_response, xlsx_response
from records.models import Institution

from . import monitor as regulation_monitor
from .models import RegulationItem
from .rules import VIEW_MONITOR

EXPORTS = ("csv", "xlsx")
# The states a followed item's cell can be in, as the legend lists them.
LEGEND = [regulation_monitor.DONE, regulation_monitor.LATE, regulation_monitor.PENDING]


class MonitorForm(forms.Form):
    appendix = forms.TypedChoiceField(
        label=gettext_lazy("Appendix"), required=False, coerce=int, empty_value=None,
        choices=[("", gettext_lazy("Both appendices")), *RegulationItem.Appendix.choices])


@login_required
def monitor(request):
    user = request.user
    if not user.has_perm(VIEW_MONITOR):
        raise PermissionDenied
    form = MonitorForm(request.GET)
    items = RegulationItem.objects.all()
    if form.is_valid() and form.cleaned_data["appendix"]:
        items = items.filter(appendix=form.cleaned_data["appendix"])
    followed = [item for item in items if regulation_monitor.is_followed(item)]
    not_followed = [item for item in items if not regulation_monitor.is_followed(item)]
    schools = list(Institution.objects.visible_to(user, VIEW_MONITOR).order_by("short_name"))
    day = today()
    rows = regulation_monitor.matrix(schools, followed, day)
    title = _("Regulation monitor")
    if request.GET.get("export") in EXPORTS:
        return export(request.GET["export"], title, followed, rows, day)
    return render(request, "reports/monitor.html", {
        "title": title, "subtitle": _("on %(day)s") % {"day": f"{day:%d.%m.%Y}"},
        "form": form, "items": followed, "rows": rows,
        "followed": [described(item) for item in followed],
        "not_followed": [described(item) for item in not_followed],
        "legend": [(state, regulation_monitor.STATES[state]) for state in LEGEND],
    })


def described(item):
    """What the list under the table says of an item: who, by when, done when."""
    return {"code": f"{item.appendix}.{item.number}", "title": item.title,
            "school_role": item.get_school_role_display(),
            "department_role": item.get_department_role_display(),
            "due": f"{item.due_day:02d}.{item.due_month:02d}",
            "done_when": regulation_monitor.LABELS.get(item.computed_by)}


def export(fmt, title, items, rows, day):
    header = [_("School"), *[f"{item.appendix}.{item.number}. {item.title}" for item in items],
              pgettext("monitor", "Done"), pgettext("monitor", "Late"),
              pgettext("monitor", "Not due yet")]
    body = [[row.school.short_name, *[str(cell.label) for cell in row.cells],
             row.done, row.late, row.pending] for row in rows]
    filename = f"regulation-monitor-{day:%Y-%m-%d}"
    if fmt == "csv":
        return csv_response([header, *body], filename)
    return xlsx_response([header, *body], filename, title=title)
