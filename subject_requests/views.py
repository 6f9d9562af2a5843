"""Personal data requests on the portal (R-PD-4, R-PD-5): a person files a request about
their own data (a parent also about their children's) and reads their requests and
answers; the school's keepers read the register and answer; the department reads the
overdue requests of every school, limited. Every row comes through
``SubjectRequest.objects.visible_to``: a request the user may not read is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from portal.access import access, today
from portal.pdf import render_pdf
from portal.uploads import secure_file_headers
from records.models import Institution

from . import actions, data_copy
from .filters import RegisterFilter
from .forms import AnswerForm, FileRequestForm
from .models import RequestState, SubjectRequest
from .rules import ANSWER, VIEW, VIEW_REGISTER
from .tables import RegisterTable

PER_PAGE = 50
COPY_ISSUED = "subject_requests.copy_issued"


def visible_request(request, pk):
    row = get_object_or_404(SubjectRequest.objects.visible_to(request.user)
                            .select_related("institution", "subject", "filed_by__person",
                                            "answered_by__person", "taken_by__person"),
                            pk=pk)
    # The department reads the overdue requests only (the school's own business until
    # the deadline passes).
    if VIEW.is_limited_for(request.user, row) and not row.is_overdue:
        raise Http404
    return row


@login_required
def mine(request):
    """The requests the user filed and those about their own data, with the answers."""
    context = access(request.user)
    own = Q(filed_by=request.user)
    if context.person_id is not None:
        own |= Q(subject_id=context.person_id)
    rows = (SubjectRequest.objects.visible_to(request.user).filter(own)
            .select_related("institution", "subject").order_by("-received_on", "-pk"))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "subject_requests/mine.html", {
        "page": page, "may_file": context.person_id is not None,
        "may_keep": request.user.has_perm(VIEW_REGISTER.name)})


@login_required
def new(request):
    form = FileRequestForm(request.user, request.POST or None)
    if not form.subjects:
        raise Http404
    if request.method == "POST" and form.is_valid():
        person, institution = form.subject_and_institution()
        row = actions.file(request.user, person, institution, form.cleaned_data["kind"],
                           form.cleaned_data["text"])
        messages.success(request, _("Your request is received. The school answers by "
                                    "%(date)s.") % {"date": row.deadline.strftime("%d.%m.%Y")})
        return redirect(row.get_absolute_url())
    return render(request, "subject_requests/new.html", {"form": form})


@login_required
def detail(request, pk):
    row = visible_request(request, pk)
    user = request.user
    limited = VIEW.is_limited_for(user, row)
    keeps = user.has_perm(ANSWER.name, row)
    may_copy = not limited and row.has_copy and (
        keeps or row.state == RequestState.ANSWERED)
    # The request's history (R-PD-2) for those who keep the register.
    history = (ModelLogEntry.objects.for_instance(row).select_related("user__person")
               .order_by("timestamp", "pk") if keeps else [])
    return render(request, "subject_requests/detail.html", {
        "row": row, "limited": limited, "keeps": keeps, "may_copy": may_copy,
        "answer_form": AnswerForm(row) if keeps and row.is_open else None,
        "history": history,
    })


@login_required
@require_POST
def take(request, pk):
    row = visible_request(request, pk)
    try:
        actions.take(row, request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request is taken into work."))
    return redirect(row.get_absolute_url())


@login_required
def answer(request, pk):
    row = visible_request(request, pk)
    if not request.user.has_perm(ANSWER.name, row):
        raise Http404
    form = AnswerForm(row, request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = form.cleaned_data["outcome"]
        action = {form.ANSWER: actions.answer, form.REFUSE: actions.refuse,
                  form.CORRECT: actions.correct, form.ERASE: actions.erase}[outcome]
        try:
            action(row, request.user, form.cleaned_data["answer"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The answer is saved and sent."))
            return redirect(row.get_absolute_url())
    return render(request, "subject_requests/answer.html", {"row": row, "form": form})


@login_required
def register(request):
    """The register of the user's schools (the keepers), or the city's overdue requests
    (the department, limited fields)."""
    user = request.user
    if not user.has_perm(VIEW_REGISTER.name):
        raise Http404
    rows = SubjectRequest.objects.visible_to(user, VIEW_REGISTER.name)
    limited = VIEW_REGISTER.is_limited_for(user)
    if limited:
        rows = rows.overdue(today())
    institutions = list(Institution.objects.filter(
        pk__in=rows.values("institution")).order_by("short_name"))
    filters = RegisterFilter(request.GET or None, queryset=rows.select_related(
        "institution", "subject"), institutions=institutions)
    table = RegisterTable(filters.qs if filters.is_bound and filters.is_valid()
                          else filters.queryset, user=user)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    overdue = rows.overdue(today()).count()
    return render(request, "subject_requests/register.html", {
        "table": table, "filter": filters, "limited": limited, "overdue": overdue})


def _copy_of(request, pk):
    row = visible_request(request, pk)
    user = request.user
    if VIEW.is_limited_for(user, row) or not row.has_copy:
        raise Http404
    if not (user.has_perm(ANSWER.name, row) or row.state == RequestState.ANSWERED):
        raise Http404
    log(row, COPY_ISSUED, user=user)
    return row, data_copy.build(row)


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return secure_file_headers(response)


@login_required
def copy_pdf(request, pk):
    row, copy = _copy_of(request, pk)
    pdf = render_pdf("subject_requests/copy.html", {"copy": copy, "row": row})
    return _download(pdf, "application/pdf", f"personal-data-{row.pk}.pdf")


@login_required
def copy_json(request, pk):
    row, copy = _copy_of(request, pk)
    return _download(data_copy.as_json(copy).encode(), "application/json; charset=utf-8",
                     f"personal-data-{row.pk}.json")
