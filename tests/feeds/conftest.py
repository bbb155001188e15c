"""Watch-feed fixtures: a real local HTTP server serving RSS/Atom, allowed through
RUCHER_OUTBOUND_ALLOWED_HOSTS, and a community with its manager, a member and an outsider."""

from dataclasses import dataclass

import pytest

from rucher.accounts.models import User
from rucher.communities import services as communities
from rucher.communities.models import Community
from rucher.core.factories import PersonFactory
from tests.httpserver import local_server


def rss(*items: tuple[str, str, str], title: str = "Tech news") -> bytes:
    """An RSS 2.0 document; items are (guid, title, description)."""
    body = "".join(
        f"<item><guid>{guid}</guid><title>{name}</title>"
        f"<link>https://news.example/{guid}</link>"
        f"<description><![CDATA[{text}]]></description>"
        "<pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate></item>"
        for guid, name, text in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example/</link>{body}</channel></rss>"
    ).encode()


@pytest.fixture
def server():
    with local_server() as state:
        yield state


@pytest.fixture
def allow(settings, server):
    settings.RUCHER_OUTBOUND_ALLOWED_HOSTS = server.host_port
    return server


@dataclass
class Club:
    community: Community
    manager: User
    member: User
    outsider: User


@pytest.fixture
def club(db) -> Club:
    manager = PersonFactory(username="manon", display_name="Manon Manager")
    member = PersonFactory(username="marc", display_name="Marc Member")
    outsider = PersonFactory(username="olga", display_name="Olga Outsider")
    community = communities.community_create(
        creator=manager, name="Veille techno", kind="interest", visibility="private"
    )
    communities.membership_set_role(
        actor=manager, community=community, person=member, role="member"
    )
    return Club(community=community, manager=manager, member=member, outsider=outsider)
