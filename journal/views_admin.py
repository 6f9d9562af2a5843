"""The journal's admin page: closing and reopening periods (R-JRN-4)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from curriculum.models import Period
from curriculum.views_admin import answers_403, chosen_year
from portal.access import today
from portal.ids import id_or_404

from . import finals
from .rules import CLOSE_PERIOD


@answers_403
def periods(request):
    """R-JRN-4: the deputy director closes a period (its finals become read-only) and
    reopens it; a period with finals missing closes only when the deputy confirms."""
    year, years = chosen_year(request, CLOSE_PERIOD)
    user = request.user
    rows = (Period.objects.filter(academic_year=year).select_related("period_type", "closed_by")
            .order_by("period_type__name", "number"))
    back = f"{reverse('journal_periods:index')}?year={year.pk}"
    if request.method == "POST":
        raw, action = request.POST.get("period", ""), request.POST.get("action")
        if action not in ("close", "reopen"):
            raise Http404
        period = get_object_or_404(rows, pk=id_or_404(raw))
        try:
            if action == "reopen":
                finals.reopen_period(user, period)
                messages.success(request, _("%(period)s is open again.") % {"period": period})
            else:
                missing = finals.close_period(
                    user, period, confirm_missing=request.POST.get("confirm") == "1")
                messages.success(request, _("%(period)s is closed.") % {"period": period})
                if missing:
                    messages.warning(request, _("It was closed with %(count)s finals missing.")
                                     % {"count": missing})
        except ValidationError as error:
            if action == "close" and not period.is_closed and request.POST.get("confirm") != "1":
                missing = [row for row in finals.missing_finals(period) if row.count]
                if missing:
                    return TemplateResponse(request, "journal/admin/period_confirm.html", {
                        "year": year, "period": period, "missing": missing,
                        "total": sum(row.count for row in missing)})
            messages.error(request, " ".join(error.messages))
        return redirect(back)
    day = today()
    table = []
    for period in rows:
        started = period.starts_on <= day
        missing = finals.missing_finals(period) if started else []
        table.append({
            "period": period,
            "started": started,
            "ended": period.ends_on < day,
            "missing": sum(row.count for row in missing),
            "expected": sum(row.expected for row in missing),
            "may_close": user.has_perm(CLOSE_PERIOD, period),
        })
    return TemplateResponse(request, "journal/admin/periods.html", {
        "year": year, "years": years, "table": table})
