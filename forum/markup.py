"""The forum's small markup: what a post may look like, and nothing more.

The author types text. Everything in it is escaped first; the markup then adds its own
few tags, and nh3 cleans the result to the same short list of tags, on save and again
when a post is shown (``clean``), so a ``<script>``, an ``onerror=``, a ``javascript:``
or ``data:`` link never reaches a page, whatever path wrote the row.

    **bold**   *italic* or _italic_   `code`
    [text](https://…)  and bare https://… addresses (http, https and mailto only)
    - an item, * an item, 1. an item            (lists)
    > quoted text                                (quotes, nested up to MAX_QUOTE_DEPTH)
    ```                                          (a block of code)
    …
    ```

Blank lines separate paragraphs; a single line break stays one.
"""

import html
import re
from urllib.parse import urlsplit

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"
# Deeper quotes are shown as text: a quote of a quote of a quote is enough.
MAX_QUOTE_DEPTH = 4

FENCE = re.compile(r"^\s*```")
QUOTE = re.compile(r"^\s*>")
BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\(([^()\s]{1,2000})\)")
BARE_URL = re.compile(r"(?<![\w/@.])(https?://[^\s<>\"'`\[\]]+)", re.IGNORECASE)
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])"
                    r"|(?<![_\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![_\w])")
# Characters no text needs: NUL and the C0/C1 controls, except tab and line feed.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_url(url):
    """``url`` if it is an http(s) address with a host or a mailto: address; else None.
    What a browser would strip before reading the scheme (spaces, controls) is not
    allowed in the first place."""
    if not url or CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return url if parts.netloc and not parts.netloc.startswith("@") else None
    if scheme == "mailto":
        return url if "@" in parts.path else None
    return None


def _emphasis(escaped):
    escaped = BOLD.sub(r"<strong>\1</strong>", escaped)
    return ITALIC.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", escaped)


def _link(url, label_html):
    return f'<a href="{html.escape(url, quote=True)}">{label_html}</a>'


def _bare(text):
    """Escaped text with its bare addresses linked and its emphasis marked."""
    parts, position = [], 0
    for match in BARE_URL.finditer(text):
        url = match.group(1)
        # A sentence's full stop or closing bracket is not part of the address.
        trimmed = url.rstrip(".,;:!?)»")
        if trimmed.count("(") > trimmed.count(")") and url[len(trimmed):].startswith(")"):
            trimmed += ")"
        end = match.start() + len(trimmed)
        parts.append(_emphasis(html.escape(text[position:match.start()])))
        if safe_url(trimmed):
            parts.append(_link(trimmed, html.escape(trimmed)))
        else:
            parts.append(html.escape(trimmed))
        position = end
    parts.append(_emphasis(html.escape(text[position:])))
    return "".join(parts)


def _links(text):
    parts, position = [], 0
    for match in LINK.finditer(text):
        parts.append(_bare(text[position:match.start()]))
        label, url = match.group(1), match.group(2)
        if safe_url(url):
            parts.append(_link(url, _emphasis(html.escape(label))))
        else:
            # Not a link the forum makes: shown as typed.
            parts.append(_emphasis(html.escape(match.group(0))))
        position = match.end()
    parts.append(_bare(text[position:]))
    return "".join(parts)


def inline(text):
    """One line of text as HTML: code spans as typed, links, emphasis."""
    parts, position = [], 0
    for match in CODE_SPAN.finditer(text):
        parts.append(_links(text[position:match.start()]))
        parts.append(f"<code>{html.escape(match.group(1))}</code>")
        position = match.end()
    parts.append(_links(text[position:]))
    return "".join(parts)


def _blocks(lines, depth=0):
    out, paragraph = [], []

    def flush():
        if paragraph:
            out.append("<p>" + "<br>".join(inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            flush()
            i += 1
        elif FENCE.match(line):
            flush()
            end = i + 1
            while end < len(lines) and not FENCE.match(lines[end]):
                end += 1
            out.append("<pre><code>" + html.escape("\n".join(lines[i + 1:end])) + "</code></pre>")
            i = end + 1
        elif QUOTE.match(line) and depth < MAX_QUOTE_DEPTH:
            flush()
            quoted = []
            while i < len(lines) and QUOTE.match(lines[i]):
                rest = lines[i].lstrip()[1:]
                quoted.append(rest[1:] if rest.startswith(" ") else rest)
                i += 1
            out.append("<blockquote>" + _blocks(quoted, depth + 1) + "</blockquote>")
        elif BULLET.match(line) or NUMBERED.match(line):
            flush()
            pattern, tag = (BULLET, "ul") if BULLET.match(line) else (NUMBERED, "ol")
            items = []
            while i < len(lines) and (match := pattern.match(lines[i])):
                items.append("<li>" + inline(match.group(1)) + "</li>")
                i += 1
            out.append(f"<{tag}>" + "".join(items) + f"</{tag}>")
        else:
            paragraph.append(line.strip())
            i += 1
    flush()
    return "".join(out)


def clean(markup_html):
    """HTML with nothing but the markup's tags, safe to put on a page."""
    return mark_safe(nh3.clean(markup_html or "", tags=TAGS, attributes=ATTRIBUTES,
                               url_schemes=URL_SCHEMES, link_rel=LINK_REL,
                               strip_comments=True))


def render(text):
    """The post's text as clean HTML (a str, for storing)."""
    text = CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return str(clean(_blocks(text.split("\n"))))


def plain(markup_html):
    """The rendered post as plain text: search snippets, feeds, notifications."""
    return " ".join(html.unescape(strip_tags(markup_html or "")).split())


def quote(author_name, text):
    """The markup that quotes ``text`` by ``author_name`` at the start of a reply."""
    lines = [f"**{author_name}**:"] + (text or "").replace("\r\n", "\n").split("\n")
    return "\n".join(f"> {line}" if line else ">" for line in lines) + "\n\n"
