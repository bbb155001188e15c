"""Every tag fits in its page's URL (issue 13, item 8): a tag typed with "/" (or "\\", "?", "#",
"%", dots) is posted from the web and the API, then the post page, the feed and the tag page
render; existing tags are migrated (duplicates merged)."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from rucher.accounts import services as accounts
from rucher.accounts.models import DeclaredSkill
from rucher.content import services
from rucher.content.models import Post, Tag
from rucher.core.text import normalise_tag
from rucher.recognition.models import BadgeAward, ReputationEvent, SkillReputation

pytestmark = pytest.mark.django_db

ODD = ["Front/Back", "x\\y", "what?", "c#", "100%", "..", "./", "r&d", "été/hiver"]
EXPECTED = {"front-back", "x-y", "what?", "c#", "100%", "r&d", "ete-hiver"}


def _renders_everywhere(client, post):
    page = client.get(f"/posts/{post.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    for slug in EXPECTED:
        url = reverse("tag", args=[slug])
        assert url.count("/") == 3  # /tags/<one segment>/
        assert url in body or url.replace("&", "&amp;") in body
        tag_page = client.get(url)
        assert tag_page.status_code == 200, slug
        assert post.title in tag_page.content.decode()
    assert client.get("/c/open-club/").status_code == 200


def test_odd_tags_posted_from_the_web_render(world, client_for):
    client = client_for(world.people["member"])
    response = client.post(
        "/posts/new/",
        {
            "communities": ["open-club"],
            "kind": "post",
            "title": "Odd tags",
            "body": "text",
            "tags": ", ".join(ODD),
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(title="Odd tags")
    assert set(post.tags.values_list("slug", flat=True)) == EXPECTED
    _renders_everywhere(client, post)


def test_odd_tags_posted_from_the_api_render(world, client_for):
    _token, raw = accounts.token_create(person=world.people["member"], name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    response = api.post(
        "/api/v1/posts",
        {
            "communities": ["open-club"],
            "kind": "post",
            "title": "Odd tags",
            "body": "b",
            "tags": ODD,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert set(response.json()["tags"]) == EXPECTED
    post = Post.objects.get(title="Odd tags")
    assert api.get(f"/api/v1/posts/{post.pk}").status_code == 200
    _renders_everywhere(client_for(world.people["member"]), post)


def test_a_tag_of_dots_only_is_no_tag():
    assert normalise_tag("..") == normalise_tag(".") == normalise_tag("/") == ""
    assert normalise_tag(".net") == ".net"
    assert normalise_tag("A / B") == normalise_tag("a/b") == "a-b"


def test_the_migration_renames_and_merges_existing_tags(world):
    migration = importlib.import_module("rucher.content.migrations.0004_tags_fit_in_urls")
    member, owner, manager = (world.people[p] for p in ("member", "owner", "manager"))
    merged = Tag.objects.create(name="ci/cd", slug="ci/cd")
    kept = Tag.objects.create(name="ci-cd", slug="ci-cd")
    alone = Tag.objects.create(name="Front/Back", slug="front/back")
    dots = Tag.objects.create(name="..", slug="..")
    post = services.post_create(
        author=member, communities=[world.communities["open"]], title="t", body="b"
    )
    other = services.post_create(
        author=member, communities=[world.communities["open"]], title="u", body="b"
    )
    post.tags.set([merged, kept, alone, dots])
    other.tags.set([merged])
    # The same like counted in both spellings: once after the merge.
    for tag in (merged, kept):
        ReputationEvent.objects.create(
            person=member, tag=tag, points=1, reason="like_post", post=post, liker=owner
        )
    ReputationEvent.objects.create(
        person=member, tag=merged, points=1, reason="like_post", post=other, liker=manager
    )
    SkillReputation.objects.create(person=member, tag=merged, reputation=2)
    SkillReputation.objects.create(person=member, tag=kept, reputation=1)
    BadgeAward.objects.create(person=member, badge="helpful", tag=merged)
    BadgeAward.objects.create(person=member, badge="helpful", tag=kept)
    BadgeAward.objects.create(person=owner, badge="helpful", tag=merged)
    DeclaredSkill.objects.create(person=member, name="CI/CD", slug="ci/cd", position=0)
    DeclaredSkill.objects.create(person=member, name="ci-cd", slug="ci-cd", position=1)
    DeclaredSkill.objects.create(person=owner, name="CI/CD", slug="ci/cd", position=0)

    for _run in range(2):  # idempotent
        migration.tags_fit_in_urls(apps, None)

    assert not Tag.objects.filter(pk=merged.pk).exists()
    assert set(Tag.objects.values_list("slug", flat=True)) == {
        "ci-cd",
        "front-back",
        f"tag-{dots.pk}",
    }
    assert Tag.objects.get(pk=alone.pk).name == "Front/Back"
    assert sorted(post.tags.values_list("slug", flat=True)) == sorted(
        ["ci-cd", "front-back", f"tag-{dots.pk}"]
    )
    assert list(other.tags.values_list("slug", flat=True)) == ["ci-cd"]
    assert ReputationEvent.objects.filter(person=member, tag=kept).count() == 2
    assert SkillReputation.objects.get(person=member, tag=kept).reputation == 2
    assert not SkillReputation.objects.filter(tag_id=merged.pk).exists()
    assert BadgeAward.objects.filter(person=member, tag=kept).count() == 1
    assert BadgeAward.objects.filter(person=owner, tag=kept).count() == 1
    assert list(DeclaredSkill.objects.filter(person=member).values_list("slug", flat=True)) == [
        "ci-cd"
    ]
    assert list(DeclaredSkill.objects.filter(person=owner).values_list("slug", flat=True)) == [
        "ci-cd"
    ]
    for tag in Tag.objects.all():
        assert reverse("tag", args=[tag.slug]).count("/") == 3
