"""Feedback after an action (issue 15): messages become toasts, also on htmx partial responses
(an out-of-band swap into #toasts); commenting through htmx keeps the page and tells the points
earned; the forms that htmx enhances still post without JavaScript."""

import pytest

from rucher.content.models import Comment
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_full_page_shows_its_messages_in_the_toast_region(world, client_for, content):
    client = client_for(world.people["member"])
    post = content.posts["open"]
    client.post(f"/posts/{post.pk}/comments", {"body": "Nice"})
    page = client.get(f"/posts/{post.pk}/").content.decode()
    toasts = page.split('id="toasts"')[1].split("</div>")[0]
    assert 'role="status"' in toasts and "Your comment has been published. · +2 points" in toasts
    # Shown once: the next page has none.
    assert "Your comment has been published." not in client.get("/").content.decode()


def test_an_htmx_partial_brings_its_messages_out_of_band(world, client_for):
    own = make_post(world.people["member"], [world.communities["open"]])
    client = client_for(world.people["member"])
    response = client.post(f"/posts/{own.pk}/like", {"action": "like"}, **HTMX)
    html = response.content.decode()
    # The button comes back unchanged, the reason in a toast added to the page's region.
    assert response.status_code == 200 and html.startswith("<form")
    assert '<div hx-swap-oob="beforeend:#toasts">' in html
    assert "message toast error" in html
    # Shown once: not again on the next page.
    assert "message toast error" not in client.get("/").content.decode()


def test_an_htmx_partial_without_messages_is_left_alone(world, client_for):
    post = make_post(world.people["owner"], [world.communities["open"]])
    response = client_for(world.people["member"]).post(
        f"/posts/{post.pk}/like", {"action": "like"}, **HTMX
    )
    assert response.status_code == 200 and "hx-swap-oob" not in response.content.decode()


def test_commenting_through_htmx_redirects_to_the_post_with_the_points_earned(
    world, client_for, content
):
    client = client_for(world.people["member"])
    post = content.posts["open"]
    response = client.post(f"/posts/{post.pk}/comments", {"body": "Bravo"}, **HTMX)
    comment = Comment.objects.get(body="Bravo")
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{post.pk}/#comment-{comment.pk}"
    # htmx follows the redirect and takes the comments section and the toasts from the page.
    page = client.get(f"/posts/{post.pk}/", **HTMX).content.decode()
    assert 'id="comments-section"' in page and "Bravo" in page
    assert "+2 points" in page.split('id="toasts"')[1].split("</div>")[0]


def test_an_empty_comment_through_htmx_comes_back_with_its_error_and_writes_nothing(
    world, client_for, content
):
    client = client_for(world.people["member"])
    post = content.posts["open"]
    count = Comment.objects.count()
    response = client.post(f"/posts/{post.pk}/comments", {"body": ""}, **HTMX)
    assert response.status_code == 422  # swapped by htmx (base.html's responseHandling)
    assert 'id="comments-section"' in response.content.decode()
    assert "This field is required." in response.content.decode()
    assert Comment.objects.count() == count
    # Without htmx the same form answers 400.
    assert client.post(f"/posts/{post.pk}/comments", {"body": ""}).status_code == 400


def test_an_outsider_cannot_comment_through_htmx_either(world, client_for, content):
    response = client_for(world.people["outsider"]).post(
        f"/posts/{content.posts['secret'].pk}/comments", {"body": "Hi"}, **HTMX
    )
    assert response.status_code == 404


def test_the_enhanced_forms_keep_their_plain_post(world, client_for, content):
    client = client_for(world.people["member"])
    page = client.get(f"/posts/{content.posts['open'].pk}/").content.decode()
    form = page.split('id="comment-form"')[1].split(">")[0]
    assert 'hx-post="/posts/' in form and 'hx-disabled-elt="find button"' in form
    assert 'hx-select-oob="#toasts:beforeend,#question-state"' in form
    outsider_page = client_for(world.people["outsider"]).get("/c/open-club/").content.decode()
    membership = outsider_page.split('id="membership"')[1].split("</section>")[0]
    assert (
        'action="/c/open-club/join"' in membership and 'hx-post="/c/open-club/join"' in membership
    )
