"""Questions fixtures: the communities world, a controllable clock, and shortcuts to ask and
answer at a given moment."""

import contextlib
from collections.abc import Iterator
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from rucher.accounts.models import DeclaredSkill, User
from rucher.actions import comments as comment_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Community
from rucher.content.models import Comment, Post
from tests.communities.personas import build_world
from tests.shared import shared_fixture

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@contextlib.contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Every `timezone.now()` (auto_now_add included) answers `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def ask(
    author: User,
    communities: list[Community],
    *,
    at: datetime,
    tags: tuple[str, ...] = (),
    title: str = "How do I?",
) -> Post:
    with clock(at):
        return post_actions.post_publish(
            author=author,
            communities=communities,
            kind="question",
            title=title,
            body="Please help",
            tags=tags,
        )


def answer(
    author: User, post: Post, *, at: datetime, parent: Comment | None = None, body: str = "Try"
) -> Comment:
    with clock(at):
        return comment_actions.comment_publish(author=author, post=post, body=body, parent=parent)


def declare(person: User, *slugs: str) -> None:
    for position, slug in enumerate(slugs):
        DeclaredSkill.objects.create(person=person, name=slug, slug=slug, position=position)


@shared_fixture
def world(admin_user):
    world = build_world(admin_user)
    Community.objects.filter(pk__in=[c.pk for c in world.communities.values()]).update(
        answer_promise_hours=8
    )
    for community in world.communities.values():
        community.refresh_from_db()
    return world


@pytest.fixture
def client_for():
    def make(person=None, *, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if person is not None:
            client.force_login(person)
        return client

    return make
