"""Answer markdown → sanitised HTML and plain text: the only way KB text becomes markup.

Authors write markdown; markdown passes raw HTML through, so everything the markdown
package produces goes through nh3 with a short allow-list before any page, e-mail or
API shows it. Plain text (the bot, the e-mail's text part) is taken from the
sanitised HTML, so a <script> body never leaks into it either.
"""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_BLOCK_END = re.compile(r"</(p|h[1-6]|blockquote|pre|tr|table|ul|ol)>|<br\s*/?>|<hr\s*/?>", re.I)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.I)
_CELL_END = re.compile(r"</t[dh]>", re.I)


_local = threading.local()


def _converter() -> markdown.Markdown:
    # Building a Markdown instance costs more than converting a short answer; one per thread.
    if not hasattr(_local, "converter"):
        _local.converter = markdown.Markdown(extensions=["sane_lists", "tables"])
    return _local.converter


def markdown_to_html(text: str) -> str:
    """Safe HTML for an answer's markdown (headings start at h3 inside a page)."""
    rendered = _converter().reset().convert(text or "")
    # Authors' "# Heading" would compete with the page's own headings.
    rendered = re.sub(r"<(/?)h[12]>", r"<\1h3>", rendered)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def html_to_text(safe_html: str) -> str:
    """Readable plain text of sanitised HTML: paragraphs on their own lines, '- ' bullets."""
    marked = _LIST_ITEM.sub("\n- ", safe_html)
    marked = _BLOCK_END.sub("\n\n", marked)
    marked = _CELL_END.sub(" ", marked)
    stripped = html.unescape(nh3.clean(marked, tags=set()))
    text_lines = [line.strip() for line in stripped.splitlines()]
    text = "\n".join(text_lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def markdown_to_text(text: str) -> str:
    return html_to_text(markdown_to_html(text))
