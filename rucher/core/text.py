"""Validation of user text shared by forms and the API."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_clean_text(value: str, *, max_length: int | None = None) -> str:
    """Rejects NUL and other control characters (they break PostgreSQL and hide content)."""
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        raise ValidationError(_("Control characters are not allowed."), code="control_characters")
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            _("Ensure this value has at most %(max)d characters (it has %(len)d).")
            % {"max": max_length, "len": len(value)},
            code="max_length",
        )
    return value


# A tag is one segment of its page's URL (/tags/<slug>/): these would split it in two (a
# browser reads a backslash as a slash), so they separate words like spaces do.
_TAG_SEPARATORS = str.maketrans({"/": " ", "\\": " "})


# Joiners that emoji sequences (ZWJ, tag characters of subdivision flags) and some scripts (ZWNJ
# in Persian or Indic words) need; invisible after a Latin letter, where they only disguise.
_JOINERS = frozenset({"\u200c", "\u200d", *map(chr, range(0xE0020, 0xE0080))})
_LATIN_END = 0x24F


def _hidden_character(value: str) -> str | None:
    """The first character a single line must not hold: a control (CR, LF, tab…), a line or
    paragraph separator, or an invisible format character (bidirectional embeddings, overrides
    and isolates, marks, zero-width space, word joiner, BOM…) — all of which make a name look
    like another (e.g. "\u202eadmin\u200b"). A joiner is allowed only after a character of a
    non-Latin script or an emoji."""
    previous = ""
    for ch in value:
        if _is_hidden(ch, previous):
            return ch
        previous = ch
    return None


def _is_hidden(ch: str, previous: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp", "Cs"):
        return True
    return category == "Cf" and not (ch in _JOINERS and previous and ord(previous) > _LATIN_END)


def without_hidden(value: str) -> str:
    """The text without the characters `check_single_line` refuses: for names that come from
    elsewhere (an uploaded file's name), which refusing would only make harder to send."""
    out: list[str] = []
    for ch in value:
        if not _is_hidden(ch, out[-1] if out else ""):
            out.append(ch)
    return "".join(out)


def check_single_line(value: str, *, max_length: int | None = None) -> str:
    """`check_clean_text` for names, titles and other one-line fields: also refuses line breaks,
    tabs and invisible or direction-changing characters (bodies keep them: they are rendered
    escaped, in their own block). The one rule for forms, services and the API."""
    hidden = _hidden_character(value)
    if hidden is not None:
        raise ValidationError(
            _(
                "Line breaks, tabs and invisible or direction-changing characters (here "
                "U+%(code)04X) are not allowed in this field."
            )
            % {"code": ord(hidden)},
            code="hidden_characters",
        )
    return check_clean_text(value, max_length=max_length)


def fold_accents(value: str) -> str:
    """`qualité` → `qualite`: the marks that decompose off a letter are dropped (ç, é, ñ, å…),
    letters without a decomposition (ø, œ, ß) stay."""
    decomposed = unicodedata.normalize("NFKD", value)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def fold_name(value: str) -> str:
    """How names are compared and sorted: `Hélène` and `helene` are one (case and accents
    folded), e.g. a person's `sort_name` and what is typed to find them."""
    return fold_accents(value.casefold())


def tag_spelling(value: str) -> str:
    """How a person typed a tag, as it is shown (`#Qualité`): the spelling of `normalise_tag`
    without its folding of case and accents."""
    return "-".join(value.strip().lstrip("#").strip().translate(_TAG_SEPARATORS).split())


def normalise_tag(value: str) -> str:
    """One slug per tag: trimmed, case and accents folded (`Qualité`, `qualite` and `QUALITÉ`
    are one tag), inner spaces (and slashes) as dashes, no leading '#'. Always a single URL path
    segment: nothing when only dots remain ("." and ".." would be read as the current or the
    parent folder). The migrations content/0004_tags_fit_in_urls and content/0005_tags_fold_accents
    keep frozen copies of this rule."""
    tag = fold_accents(tag_spelling(value)).casefold()
    return "" if not tag.strip(".") else tag


def is_lookup_key(value: str, *, max_length: int) -> bool:
    """Whether a username or slug from a URL can name a stored object at all: a NUL byte reaches
    PostgreSQL as an error rather than a miss, so such keys are turned away before any query."""
    return 0 < len(value) <= max_length and not any(ord(ch) < 32 for ch in value)


def validate_single_line(value: str) -> None:
    """`check_single_line` as a model field validator (for what only the admin writes)."""
    check_single_line(value)


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|\*|`+|~~)")
_MD_LINE_MARKS = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-+*]\s+|\d+[.)]\s+)", re.MULTILINE)


def markdown_plain(text: str) -> str:
    """Markdown as one line of plain text for a short excerpt (a card's description): links
    keep their text, emphasis, code, heading, quote and list marks go, spaces fold."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_LINE_MARKS.sub("", text)
    text = _MD_MARKS.sub("", text)
    return " ".join(text.split())
