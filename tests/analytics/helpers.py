"""Seeding a small history of posts, comments, likes and questions at chosen moments."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rucher.accounts.models import User
from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Community
from rucher.content.models import Post
from tests.analytics.conftest import clock, paris


@dataclass
class Event:
    kind: str  # post, question, comment, answer, like
    at: datetime
    person: User
    communities: list[Community]


@dataclass
class History:
    events: list[Event] = field(default_factory=list)

    def on(self, day: date, community: Community | None = None) -> list[Event]:
        return [
            e
            for e in self.events
            if e.at.date() == day and (community is None or community in e.communities)
        ]


def publish(
    history: History, kind: str, person: User, communities: list[Community], at: datetime
) -> Post:
    with clock(at):
        post = post_actions.post_publish(
            author=person,
            communities=communities,
            kind=kind,
            title="A question?" if kind == "question" else "",
            body="Body",
        )
    history.events.append(Event(kind, at, person, communities))
    return post


def comment(
    history: History, person: User, post: Post, communities: list[Community], at: datetime
) -> None:
    with clock(at):
        comment_actions.comment_publish(author=person, post=post, body="Reply")
    is_answer = post.kind == "question" and person.pk != post.author_id
    history.events.append(Event("answer" if is_answer else "comment", at, person, communities))


def like(
    history: History, person: User, post: Post, communities: list[Community], at: datetime
) -> None:
    with clock(at):
        like_actions.post_like(person=person, post=post)
    history.events.append(Event("like", at, person, communities))


def seed_history(
    world, *, days: int = 10, seed: int = 20, start: date = date(2026, 3, 2)
) -> History:
    """Random posts, questions, comments, answers and likes over `days` days, by the members
    of the open and private clubs (some cross-posted in both)."""
    rng = random.Random(seed)
    p, c = world.people, world.communities
    people = [p["member"], p["manager"], p["owner"], p["ambassador"]]
    places = [[c["open"]], [c["private"]], [c["open"], c["private"]], [c["secret"]]]
    history = History()
    posts: list[tuple[Post, list[Community]]] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        for _ in range(rng.randint(0, 4)):
            at = paris(day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59))
            action = rng.choice(["post", "question", "comment", "like"]) if posts else "post"
            person = rng.choice(people)
            if action in ("post", "question"):
                where = rng.choice(places)
                posts.append((publish(history, action, person, where, at), where))
                continue
            post, where = rng.choice(posts)
            if post.created_at >= at:
                continue
            if action == "comment":
                comment(history, person, post, where, at)
            elif not post.likes.filter(person=person).exists():
                like(history, person, post, where, at)
    return history
