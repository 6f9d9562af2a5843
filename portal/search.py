"""The portal's one search box (R-NF-3, issue 13): what each app makes searchable, and
the search itself.

An app registers each searchable model once, in its AppConfig.ready():

    from portal import search
    search.register(AnnouncementPage, label=_("Announcements"), key="announcements")

The model is a Wagtail ``index.Indexed`` (pages are) with ``search_fields``, and its
default manager's queryset has ``visible_to(user)`` (a page model without one is
searched among its live pages that everyone may see, ``visible_pages``). The search runs
only inside the rows the user may see: the searched queryset is the model's rows whose
key is in ``visible_to(user)``, a subquery in the same SQL statement as the match, so
the count, the slice of a page and every snippet come from those rows alone. (Wagtail's
search refuses filters on fields that are not ``index.FilterField``s: one filter on
``id``, which every registered model gets, stands for the whole of ``visible_to``.)

Russian: on PostgreSQL Wagtail's database backend with the ``russian`` configuration
stems; on SQLite ``portal.search_sqlite`` stems the index and the query in Python. A
row's ``search_snippet`` (plain text, only what any viewer of the row may read) is shown
under its title, escaped, with the query's words marked.
"""

import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .russian import stem

# A query longer than this is refused (a search box, not a document).
MAX_QUERY_LENGTH = 200
# Words of a query that are searched; the rest are ignored.
MAX_QUERY_WORDS = 10
# Hits per page of one kind, and hits of each kind on the page of all kinds.
PER_PAGE = 20
PER_KIND = 5
SNIPPET_LENGTH = 240


@dataclass(frozen=True)
class Source:
    model: type
    label: object
    # The name the result list's filter uses in its query string ("announcements").
    key: str


SOURCES: dict[str, Source] = {}


def register(model, *, label, key=None):
    key = key or model._meta.model_name
    if key in SOURCES and SOURCES[key].model is not model:
        raise ValueError(f"Two searchable models under one key: {key!r}")
    _ensure_id_filter(model)
    SOURCES[key] = Source(model=model, label=label, key=key)
    return model


def _ensure_id_filter(model):
    """The search filters by ``pk__in`` (see the module's docstring): Wagtail asks for
    ``index.FilterField("id")``. Pages have it; a model that forgot it gets it here
    rather than failing at the first search."""
    from wagtail.search import index

    fields = model.get_search_fields()
    if not any(isinstance(f, index.FilterField) and f.field_name in ("id", "pk")
               for f in fields):
        model.search_fields = [*model.search_fields, index.FilterField("id")]


# The public pages of the portal when no app has registered a page type of its own.
PAGES_LABEL = gettext_lazy("Pages")


def sources():
    """The registered sources; Wagtail's home page as "Pages" if no page type is."""
    from wagtail.models import Page

    found = list(SOURCES.values())
    if not any(issubclass(s.model, Page) for s in found):
        from sgo_pages.models import HomePage

        found.insert(0, Source(model=HomePage, label=PAGES_LABEL, key="pages"))
    return found


def visible_pages(queryset, user):
    """Live pages that ``user`` may open: no view restriction above them, or one of
    signed-in users for a signed-in user, or of a group the user is in."""
    from wagtail.models import PageViewRestriction

    queryset = queryset.live()
    restrictions = PageViewRestriction.objects.select_related("page")
    if user.is_authenticated:
        if user.is_superuser:
            return queryset
        restrictions = restrictions.exclude(
            restriction_type=PageViewRestriction.LOGIN).exclude(groups__in=user.groups.all())
    hidden = Q()
    for restriction in restrictions:
        hidden |= Q(path__startswith=restriction.page.path)
    return queryset.exclude(hidden) if hidden else queryset


def visible_rows(model, user):
    """The rows of ``model`` that ``user`` may see, as a queryset the search accepts."""
    from wagtail.models import Page

    manager = model._default_manager
    if hasattr(manager.all(), "visible_to"):
        visible = manager.all().visible_to(user)
    elif issubclass(model, Page):
        visible = visible_pages(manager.all(), user)
    else:
        raise TypeError(f"{model.__name__} has no visible_to(user): it cannot be searched")
    rows = manager.filter(pk__in=visible.values("pk"))
    # What the hit's title, snippet and link read, loaded with the rows.
    related = getattr(model, "search_select_related", ())
    return rows.select_related(*related) if related else rows


# Queries ------------------------------------------------------------------------------


class QueryError(ValueError):
    """A query that is not searched; its message says why, in the user's language."""


WORD = re.compile(r"\w+")


def clean_query(raw):
    """The query's words joined by spaces, or QueryError: empty, too long, NUL bytes,
    no word at all (only punctuation)."""
    raw = raw or ""
    if "\x00" in raw:
        raise QueryError(_("The query holds characters that cannot be searched."))
    raw = raw.strip()
    if not raw:
        raise QueryError(_("Type what to search for."))
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(_("The query is too long: at most %(count)d characters.")
                         % {"count": MAX_QUERY_LENGTH})
    words = WORD.findall(raw)[:MAX_QUERY_WORDS]
    if not words:
        raise QueryError(_("The query has no words to search for: type letters or "
                           "digits."))
    return " ".join(words)


# Results ------------------------------------------------------------------------------


@dataclass
class Hit:
    source: Source
    title: str
    url: str
    title_html: str
    snippet_html: str


@dataclass
class Kind:
    source: Source
    count: int
    hits: list = field(default_factory=list)

    @property
    def key(self):
        return self.source.key

    @property
    def label(self):
        return self.source.label


@dataclass
class Results:
    query: str
    kinds: list  # [Kind], every source, in order, with its count
    selected: Kind | None = None  # the kind shown alone, paginated
    page: object = None  # the Paginator page of the selected kind

    @property
    def total(self):
        return sum(kind.count for kind in self.kinds)


def search_backend():
    from wagtail.search.backends import get_search_backend

    return get_search_backend()


def search(user, query, kinds=None, page=1, per_page=PER_PAGE, per_kind=PER_KIND,
           request=None):
    """What ``user`` finds for ``query`` (raw text: QueryError if it is not searchable).

    Every source is counted. With ``kinds`` (keys) of one source, that source's hits are
    paginated (``page``); otherwise the first ``per_kind`` hits of each source with hits.
    Two queries per source (a count and the hits), whatever the number of rows."""
    query = clean_query(query)
    terms = {stem(word) for word in WORD.findall(query.lower())}
    backend = search_backend()
    wanted = set(kinds or ())
    found = []
    for source in sources():
        if wanted and source.key not in wanted:
            continue
        rows = backend.search(query, visible_rows(source.model, user))
        found.append((source, rows, Kind(source=source, count=rows.count())))
    results = Results(query=query, kinds=[kind for _s, _r, kind in found])
    if len(found) == 1 and wanted:
        source, rows, kind = found[0]
        paginator = Paginator(rows, per_page)
        paginator.count = kind.count  # already counted
        # A page beyond the last shows the last, anything not a number the first.
        results.page = paginator.get_page(page)
        kind.hits = [make_hit(source, row, terms, request) for row in results.page]
        results.selected = kind
    else:
        for source, rows, kind in found:
            if kind.count:
                kind.hits = [make_hit(source, row, terms, request)
                             for row in rows[:per_kind]]
    return results


def search_rows(user, query, queryset):
    """``queryset`` (already within what ``user`` may see, e.g. one school's register)
    searched for ``query``: a lazy, sliceable result in the order of relevance."""
    query = clean_query(query)
    model = queryset.model
    rows = model._default_manager.filter(pk__in=queryset.values("pk"))
    related = getattr(model, "search_select_related", ())
    return search_backend().search(query, rows.select_related(*related) if related else rows)


class SearchedIndexView:
    """An admin listing (a ScopedIndexView) searched as the portal's search box searches:
    stemmed Russian on both databases, the listing's filters and scope applied in SQL
    first. (Wagtail's own listing search would autocomplete, which matches prefixes of
    unstemmed words: «зачисление» would not find «О зачислении».)"""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        try:
            return search_rows(self.request.user, self.search_query, queryset)
        except QueryError:
            return queryset.none()


def make_hit(source, row, terms, request=None):
    title = str(getattr(row, "title", None) or row)
    if hasattr(row, "get_url"):
        url = row.get_url(request)
    else:
        url = row.get_absolute_url()
    snippet = getattr(row, "search_snippet", None) or getattr(row, "search_description", "")
    return Hit(source=source, title=title, url=url or "",
               title_html=highlight(title, terms),
               snippet_html=highlight(excerpt(str(snippet or ""), terms), terms))


def excerpt(text, terms, length=SNIPPET_LENGTH):
    """About ``length`` characters of ``text`` around the first word of the query."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    start = 0
    for match in WORD.finditer(text):
        if stem(match.group().lower()) in terms:
            start = max(0, match.start() - length // 4)
            break
    # Whole words at both ends.
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < match.start() else start
    piece = text[start:start + length]
    if start + length < len(text) and " " in piece:
        piece = piece[:piece.rfind(" ")]
    return ("…" if start else "") + piece + ("…" if start + len(piece) < len(text) else "")


def highlight(text, terms):
    """``text`` escaped, with the words whose stem is among ``terms`` in <mark>."""
    parts = []
    position = 0
    for match in WORD.finditer(text):
        if stem(match.group().lower()) in terms:
            parts.append(escape(text[position:match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def rebuild_index():
    """Indexes every searchable row anew: after a bulk build (the demo city), whose
    rows were saved without the signals that index them one by one."""
    import io

    from django.core.management import call_command

    call_command("update_index", verbosity=0, stdout=io.StringIO())
