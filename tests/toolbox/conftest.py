"""Toolbox fixtures: the communities world (one community of each visibility, a person in
every position), a client per person, and shortcuts to publish articles, topics and ideas."""

import io
from collections.abc import Callable

import pytest
from django.test import Client
from PIL import Image

from rucher.accounts.models import User
from rucher.actions import posts as post_actions
from rucher.communities.models import Community
from rucher.content.models import Post
from tests.communities.personas import World, build_world


@pytest.fixture
def world(admin_user: User) -> World:
    return build_world(admin_user)


@pytest.fixture
def open_club(world: World) -> Community:
    return world.communities["open"]


@pytest.fixture
def private_club(world: World) -> Community:
    return world.communities["private"]


@pytest.fixture
def web() -> Callable[[User], Client]:
    def make(person: User) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(person)
        return client

    return make


def publish(author: User, community: Community, kind: str, title: str = "A title") -> Post:
    return post_actions.post_publish(
        author=author, communities=[community], kind=kind, title=title, body=f"Body of {title}"
    )


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()
