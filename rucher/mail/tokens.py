"""Reply tokens (F-REPLY-BY-EMAIL): `reply+<token>@<RUCHER_MAIL_DOMAIN>`.

The token is 128 random bits (URL-safe base32, lower case so that mail systems which fold the
local part's case do not break it); only its SHA-256 is stored, so a database leak gives no
usable reply address. A token is bound to one person and one post.
"""

import base64
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone

from rucher.accounts.models import User
from rucher.content.models import Post
from rucher.mail.models import ReplyToken

TOKEN_BYTES = 20  # 160 bits


def _hash(token: str) -> str:
    return hashlib.sha256(token.lower().encode()).hexdigest()


def reply_token_create(*, person: User, post: Post) -> str:
    """Creates a token for (person, post) and returns it (the only time it is known)."""
    token = base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode().rstrip("=").lower()
    ReplyToken.objects.create(token_hash=_hash(token), person=person, post=post)
    return token


def reply_address(token: str) -> str:
    return f"reply+{token}@{settings.RUCHER_MAIL_DOMAIN}"


def reply_token_lookup(token: str) -> ReplyToken | None:
    """The token's row (with person and post), or None for an unknown or malformed token."""
    token = token.strip().lower()
    if not token or len(token) > 64 or not token.isalnum():
        return None
    found = (
        ReplyToken.objects.select_related("person", "post").filter(token_hash=_hash(token)).first()
    )
    if found is not None:
        ReplyToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found
