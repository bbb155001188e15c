"""Markdown to sanitised HTML: markdown-it renders, nh3 keeps only an allowlist."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

# Bare URLs (https://…, www.…) and email addresses become links (linkify-it-py; linear on the
# hostile inputs we tried, and bodies are capped at 20,000 characters). nh3 then adds
# rel="noopener nofollow" to every link.
_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False}).enable(
    ["table", "strikethrough", "linkify"]
)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}


# A community page renders its description, objectives and rules on every view: the same few
# texts, again and again. The rendering is a pure function of the text, so short texts are
# kept per process (bounded: at most 512 of at most 8,000 characters, a few megabytes).
_CACHED_TEXT_LENGTH = 8000


def render_markdown(text: str) -> str:
    """Renders user Markdown to HTML safe to insert in a page (links get noopener nofollow)."""
    text = text or ""
    if len(text) <= _CACHED_TEXT_LENGTH:
        return _render_cached(text)
    return _render(text)


@lru_cache(maxsize=512)
def _render_cached(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    html = _md.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )
