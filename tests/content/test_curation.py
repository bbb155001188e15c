"""Curation (F-CURATE) and read receipts: pin, feature, bookmark, mark read, the web forms."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from rucher.content import curation
from rucher.content.feed import bookmarks_for_person, post_curation_state, post_readers
from rucher.content.models import Bookmark, PostCommunity, PostRead
from rucher.core.models import AuditEvent
from tests.notifications.posts import make_post

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def cross_post(world):
    w = world.communities
    return make_post(world.people["member"], [w["open"], w["private"]], title="Cross")


def _placement(post, community):
    return PostCommunity.objects.get(post=post, community=community)


def test_a_manager_pins_in_every_community_they_manage_by_default(world, cross_post):
    slugs = curation.post_pin(actor=world.people["manager"], post=cross_post)
    assert sorted(slugs) == sorted(
        [world.communities["open"].slug, world.communities["private"].slug]
    )
    assert _placement(cross_post, world.communities["open"]).pinned_at is not None


def test_a_cross_post_can_be_pinned_in_one_community_only(world, cross_post):
    w = world.communities
    curation.post_pin(actor=world.people["manager"], post=cross_post, community_slug=w["open"].slug)
    assert _placement(cross_post, w["open"]).pinned_at is not None
    assert _placement(cross_post, w["private"]).pinned_at is None
    curation.post_unpin(
        actor=world.people["manager"], post=cross_post, community_slug=w["open"].slug
    )
    assert _placement(cross_post, w["open"]).pinned_at is None


def test_a_member_may_not_pin_or_feature(world, cross_post):
    for action in (curation.post_pin, curation.post_feature):
        with pytest.raises(PermissionDenied):
            action(actor=world.people["member"], post=cross_post)
        with pytest.raises(PermissionDenied):
            action(
                actor=world.people["member"],
                post=cross_post,
                community_slug=world.communities["open"].slug,
            )


def test_naming_a_community_the_post_is_not_in_is_not_found(world, cross_post):
    with pytest.raises(Http404):
        curation.post_pin(
            actor=world.people["manager"],
            post=cross_post,
            community_slug=world.communities["secret"].slug,
        )
    with pytest.raises(Http404):
        curation.post_pin(actor=world.people["manager"], post=cross_post, community_slug="nope")


def test_an_administrator_curates_anywhere_and_it_is_audited(world, cross_post):
    curation.post_feature(actor=world.people["administrator"], post=cross_post)
    curation.post_feature(actor=world.people["administrator"], post=cross_post)  # no-op
    events = AuditEvent.objects.filter(action="post.feature")
    assert events.count() == 1
    assert events.get().target == f"post:{cross_post.pk}"
    curation.post_unfeature(actor=world.people["administrator"], post=cross_post)
    assert AuditEvent.objects.filter(action="post.unfeature").count() == 1


def test_bookmarks_are_idempotent_and_listed_newest_first(world):
    member = world.people["member"]
    first = make_post(world.people["owner"], [world.communities["open"]])
    second = make_post(world.people["owner"], [world.communities["private"]])
    assert curation.bookmark_create(person=member, post=first)
    assert not curation.bookmark_create(person=member, post=first)
    curation.bookmark_create(person=member, post=second)
    assert [b.post_id for b in bookmarks_for_person(member).items] == [second.pk, first.pk]
    assert curation.bookmark_delete(person=member, post=first)
    assert not curation.bookmark_delete(person=member, post=first)
    assert Bookmark.objects.filter(person=member).count() == 1


def test_bookmarks_of_posts_i_can_no_longer_read_are_not_listed(world):
    from rucher.communities import services as community_services

    member = world.people["member"]
    post = make_post(world.people["owner"], [world.communities["private"]])
    curation.bookmark_create(person=member, post=post)
    community_services.community_leave(person=member, community=world.communities["private"])
    assert bookmarks_for_person(member).items == []


def test_read_receipts_are_idempotent_and_keep_the_first_time(world):
    member = world.people["member"]
    post = make_post(world.people["owner"], [world.communities["open"]], must_read=True)
    receipt, created = curation.post_mark_read(person=member, post=post)
    again, created_again = curation.post_mark_read(person=member, post=post)
    assert created and not created_again
    assert again.created_at == receipt.created_at
    assert PostRead.objects.filter(post=post).count() == 1
    assert [r.person_id for r in post_readers(post).items] == [member.pk]


def test_the_curation_state_lists_only_what_the_viewer_manages(world, cross_post):
    assert post_curation_state(world.people["member"], cross_post).managed == []
    state = post_curation_state(world.people["manager"], cross_post)
    assert {p.community.slug for p in state.managed} == {
        world.communities["open"].slug,
        world.communities["private"].slug,
    }
    assert state.can_see_readers


# The web forms


def test_the_web_pin_form_needs_a_manager(world, cross_post, client_for):
    url = f"/posts/{cross_post.pk}/curate"
    slug = world.communities["open"].slug
    data = {"action": "pin", "community": slug}
    assert client_for(world.people["member"]).post(url, data).status_code == 403
    # The outsider reads the cross-post through the open community: forbidden, not hidden.
    assert client_for(world.people["outsider"]).post(url, data).status_code == 403
    private = make_post(world.people["member"], [world.communities["private"]])
    private_url = f"/posts/{private.pk}/curate"
    assert client_for(world.people["outsider"]).post(private_url, data).status_code == 404
    response = client_for(world.people["manager"]).post(url, data)
    assert response.status_code == 302
    assert _placement(cross_post, world.communities["open"]).pinned_at is not None
    htmx = client_for(world.people["manager"]).post(
        url, {"action": "unpin", "community": slug}, HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 200 and "Pin" in htmx.content.decode()
    bad = client_for(world.people["manager"]).post(url, {"action": "explode"})
    assert bad.status_code == 400


def test_the_web_bookmark_and_read_forms(world, client_for):
    member = world.people["member"]
    post = make_post(world.people["owner"], [world.communities["open"]], must_read=True)
    client = client_for(member)
    assert client.post(f"/posts/{post.pk}/bookmark", {"action": "bookmark"}).status_code == 302
    assert Bookmark.objects.filter(person=member, post=post).exists()
    page = client.get("/bookmarks/")
    assert page.status_code == 200 and post.body in page.content.decode()
    response = client.post(f"/posts/{post.pk}/read", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "You read this on" in response.content.decode()
    assert PostRead.objects.filter(person=member, post=post).exists()
    assert client.get("/bookmarks/?cursor=bad").status_code == 400
    secret = make_post(world.people["owner"], [world.communities["secret"]])
    outsider = client_for(world.people["outsider"])
    assert outsider.post(f"/posts/{secret.pk}/read").status_code == 404
    assert outsider.post(f"/posts/{secret.pk}/bookmark").status_code == 404


def test_the_read_receipt_include_shows_the_button_until_read(world, rf):
    from django.template.loader import render_to_string

    member = world.people["member"]
    post = make_post(world.people["owner"], [world.communities["open"]], must_read=True)
    request = rf.get("/")
    request.user = member
    translation.activate("en")  # the labels checked below (the suite resets it after each test)
    html = render_to_string(
        "content/_read_receipt.html",
        {"post": post, "curation": post_curation_state(member, post)},
        request=request,
    )
    assert "I have read it" in html
    curation.post_mark_read(person=member, post=post)
    html = render_to_string(
        "content/_read_receipt.html",
        {"post": post, "curation": post_curation_state(member, post)},
        request=request,
    )
    assert "I have read it" not in html


def test_a_pinned_post_shows_once_on_the_community_page(world):
    from django.test import Client

    from rucher.actions import posts as post_actions
    from rucher.content.curation import post_pin

    community = world.communities["open"]
    pinned = post_actions.post_publish(
        author=world.people["member"], communities=[community], title="Pinned once", body="b"
    )
    post_actions.post_publish(
        author=world.people["member"], communities=[community], title="Not pinned", body="b"
    )
    post_pin(actor=world.people["owner"], post=pinned, community_slug=community.slug)
    client = Client()
    client.force_login(world.people["member"])
    page = client.get(f"/c/{community.slug}/").content.decode()
    assert page.count(f'id="post-{pinned.pk}"') == 1
    assert "Not pinned" in page
