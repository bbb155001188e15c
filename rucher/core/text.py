"""Validation of user text shared by forms and the API."""

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


def normalise_tag(value: str) -> str:
    """One spelling per tag: trimmed, lower-case, inner spaces (and slashes) as dashes, no
    leading '#'. Always a single URL path segment: nothing when only dots remain ("." and ".."
    would be read as the current or the parent folder). The migration
    content/0004_tags_fit_in_urls keeps a frozen copy of this rule."""
    tag = value.strip().lstrip("#").strip().lower().translate(_TAG_SEPARATORS)
    tag = "-".join(tag.split())
    return "" if not tag.strip(".") else tag


def is_lookup_key(value: str, *, max_length: int) -> bool:
    """Whether a username or slug from a URL can name a stored object at all: a NUL byte reaches
    PostgreSQL as an error rather than a miss, so such keys are turned away before any query."""
    return 0 < len(value) <= max_length and not any(ord(ch) < 32 for ch in value)
