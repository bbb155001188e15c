"""Personal posting addresses (F-POST-BY-EMAIL, issue 13): `<slug>+<token>@<RUCHER_MAIL_DOMAIN>`,
one per member per community, shown on the community page and in the email settings.

A `From:` header is easy to forge, so the plain `<slug>@…` address alone cannot say who wrote.
The personal address is a secret like a reply token: it publishes only when the `From` is its
owner's registered address and the owner may still post in the community. The token is an
HMAC of a random salt under SECRET_KEY (so the owner's pages can show it again); the database
keeps the salt and the token's SHA-256 only. Changing the address (a new salt) or turning it off
makes the old one unknown at once. Rotating SECRET_KEY changes every personal address.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rucher.accounts.models import User
from rucher.communities.models import Community, Membership
from rucher.mail.models import PostingAddress

TOKEN_BYTES = 16  # 128 bits
_TOKEN_LENGTH = 26  # base32 of 16 bytes, without padding


def _token(salt: str) -> str:
    mac = hmac.new(
        str(settings.SECRET_KEY).encode(), f"rucher.mail.posting:{salt}".encode(), hashlib.sha256
    ).digest()[:TOKEN_BYTES]
    # Lower case: mail systems may fold the local part's case.
    return base64.b32encode(mac).decode().rstrip("=").lower()


def _hash(token: str) -> str:
    return hashlib.sha256(token.lower().encode()).hexdigest()


def _new_salt() -> dict[str, str]:
    salt = secrets.token_hex(16)
    return {"salt": salt, "token_hash": _hash(_token(salt))}


def _address(slug: str, salt: str) -> str:
    return f"{slug}+{_token(salt)}@{settings.RUCHER_MAIL_DOMAIN}"


def posting_address_for(*, person: User, community: Community) -> str | None:
    """The person's address for this community, made on first use; None when turned off.
    Callers show it to members only."""
    row, _created = PostingAddress.objects.get_or_create(
        person=person, community=community, defaults=_new_salt()
    )
    return _address(community.slug, row.salt) if row.salt else None


@dataclass(frozen=True)
class PostingAddressRow:
    community: Community
    address: str | None


def posting_addresses_of(person: User) -> list[PostingAddressRow]:
    """The person's addresses in every community they are a member of, by community name."""
    communities = list(
        Community.objects.filter(
            memberships__person=person, memberships__status=Membership.Status.MEMBER
        ).order_by("name", "pk")
    )
    rows = {
        row.community_id: row
        for row in PostingAddress.objects.filter(person=person, community__in=communities)
    }
    missing = [c for c in communities if c.pk not in rows]
    if missing:
        with transaction.atomic():
            for community in missing:
                rows[community.pk], _created = PostingAddress.objects.get_or_create(
                    person=person, community=community, defaults=_new_salt()
                )
    return [
        PostingAddressRow(
            community=c, address=_address(c.slug, rows[c.pk].salt) if rows[c.pk].salt else None
        )
        for c in communities
    ]


@transaction.atomic
def posting_address_renew(*, person: User, community: Community) -> str:
    """A new address; the previous one stops working at once."""
    row, _created = PostingAddress.objects.update_or_create(
        person=person, community=community, defaults=_new_salt()
    )
    return _address(community.slug, row.salt)


@transaction.atomic
def posting_address_turn_off(*, person: User, community: Community) -> None:
    PostingAddress.objects.update_or_create(
        person=person, community=community, defaults={"salt": "", "token_hash": None}
    )


def posting_address_lookup(token: str) -> PostingAddress | None:
    """The address's row (with person and community) for a token, or None."""
    token = token.strip().lower()
    if len(token) != _TOKEN_LENGTH or not token.isalnum():
        return None
    found = (
        PostingAddress.objects.select_related("person", "community")
        .filter(token_hash=_hash(token))
        .first()
    )
    if found is not None:
        PostingAddress.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found
