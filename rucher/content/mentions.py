"""Post and comment text to HTML: Markdown, then @mentions and #tags turned into links.

Mentions and tags are found in the rendered text only (never inside links, code or pre), so a
`#define` in a code block is not a tag and an e-mail address is not a mention.
"""

import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape

from rucher.accounts.models import User
from rucher.core.markdown import render_markdown
from rucher.core.text import normalise_tag, tag_spelling

MAX_TAG_LENGTH = 50
# Usernames are Django's: letters, digits and @.+-_ ; a trailing dot ends the sentence instead.
MENTION_RE = re.compile(r"(?<![\w@/&.+-])@([\w.+-]{1,150})", re.UNICODE)
# "&#39;" is an entity, not a tag; a heading's "# " has a space and never matches.
TAG_RE = re.compile(r"(?<![\w&#/])#(\w[\w-]{0,49})", re.UNICODE)
_HTML_PARTS = re.compile(r"(<[^>]*>)")
_SKIPPED = {"a", "code", "pre"}


@dataclass
class Rendered:
    html: str
    mentions: set[str] = field(default_factory=set)  # usernames of existing, active people
    hashtags: list[str] = field(default_factory=list)  # normalised, in order of appearance
    # Each hashtag's first spelling in the text (`#Qualité` for `qualite`), kept as its name.
    spellings: dict[str, str] = field(default_factory=dict)


def _text_segments(html: str) -> list[tuple[bool, str]]:
    """Splits HTML into (is_linkable_text, chunk) pairs."""
    parts: list[tuple[bool, str]] = []
    depth = 0
    for chunk in _HTML_PARTS.split(html):
        if not chunk:
            continue
        if chunk.startswith("<"):
            name = chunk[1:].lstrip("/").split(None, 1)[0].rstrip(">").rstrip("/").lower()
            if name in _SKIPPED:
                depth += -1 if chunk.startswith("</") else 1
                depth = max(depth, 0)
            parts.append((False, chunk))
        else:
            parts.append((depth == 0, chunk))
    return parts


def _clean_username(raw: str) -> str:
    return raw.rstrip(".-+")


def find_mentions(body: str) -> set[str]:
    """Candidate usernames mentioned in a text (not checked against the database)."""
    html = render_markdown(body)
    found: set[str] = set()
    for linkable, chunk in _text_segments(html):
        if linkable:
            found.update(_clean_username(m) for m in MENTION_RE.findall(chunk))
    return {name for name in found if name}


def find_hashtags(body: str) -> list[str]:
    """The tags a text's #hashtags give (normalised, in order; no query), as render_rich_text
    finds them."""
    found: list[str] = []
    for linkable, chunk in _text_segments(render_markdown(body)):
        if linkable:
            for raw in TAG_RE.findall(chunk):
                slug = normalise_tag(raw)
                if slug and len(slug) <= MAX_TAG_LENGTH and slug not in found:
                    found.append(slug)
    return found


def render_rich_text(body: str) -> Rendered:
    """Markdown → sanitised HTML with links for @existing-people and #tags (one query)."""
    html = render_markdown(body)
    segments = _text_segments(html)
    candidates: set[str] = set()
    for linkable, chunk in segments:
        if linkable:
            candidates.update(_clean_username(m) for m in MENTION_RE.findall(chunk))
    known: dict[str, str] = {}
    if candidates:
        for username in User.objects.filter(
            username__in=sorted(candidates)[:200], is_active=True
        ).values_list("username", flat=True):
            known[username] = username
    rendered = Rendered(html="")
    out: list[str] = []

    def mention(match: re.Match[str]) -> str:
        raw = match.group(1)
        username = _clean_username(raw)
        rest = raw[len(username) :]
        if username not in known:
            return match.group(0)
        rendered.mentions.add(username)
        href = reverse("profile", args=[username])
        return f'<a class="mention" href="{escape(href)}">@{escape(username)}</a>{rest}'

    def hashtag(match: re.Match[str]) -> str:
        slug = normalise_tag(match.group(1))
        if not slug or len(slug) > MAX_TAG_LENGTH:
            return match.group(0)
        if slug not in rendered.hashtags:
            rendered.hashtags.append(slug)
            rendered.spellings[slug] = tag_spelling(match.group(1))
        href = reverse("tag", args=[slug])
        return f'<a class="tag" href="{escape(href)}">#{escape(match.group(1))}</a>'

    for linkable, chunk in segments:
        if linkable:
            chunk = MENTION_RE.sub(mention, chunk)
            chunk = TAG_RE.sub(hashtag, chunk)
        out.append(chunk)
    rendered.html = "".join(out)
    return rendered
