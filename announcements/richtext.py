"""The rich text of announcements: the features the editor offers, and the cleaning of
what is saved and shown.

Wagtail's editor saves only the features it offers, but a value written another way
(an import, the shell, an old row) is HTML as it came: it is cleaned on save and again
when rendered, so a ``<script>``, an ``onerror`` or a ``javascript:`` link never
reaches a page.
"""

import nh3
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

SAFE_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]

# The database form keeps Wagtail's <a linktype="page|document" id="..."> links.
DB_TAGS = {"p", "br", "h2", "h3", "b", "i", "strong", "em", "ol", "ul", "li", "a"}
DB_ATTRIBUTES = {"a": {"href", "linktype", "id"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(html):
    """The database form of rich text with nothing but the safe features."""
    if not html:
        return html
    return nh3.clean(html, tags=DB_TAGS, attributes=DB_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=None)


def render(html):
    """The rich text as HTML for a page: links expanded, cleaned once more."""
    expanded = expand_db_html(html or "")
    return mark_safe(nh3.clean(expanded, tags=DB_TAGS, attributes={"a": {"href"}},
                               url_schemes=URL_SCHEMES, link_rel="noopener noreferrer"))
