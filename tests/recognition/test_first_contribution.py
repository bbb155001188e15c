"""F-FIRST-CONTRIBUTION: ambassadors are told of a first post; their welcome list."""

import pytest

from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Membership
from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(world):
    person = PersonFactory(username="newbie", display_name="Newbie Newcomer")
    for visibility in ("open", "secret"):
        Membership.objects.create(community=world.communities[visibility], person=person)
    return person


def _post(person, community, title="My first post"):
    return post_actions.post_publish(author=person, communities=[community], title=title, body="Hi")


def _first_notifications():
    return Notification.objects.filter(kind="first_contribution")


def test_the_ambassadors_are_notified_once(world, newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = _post(newcomer, world.communities["open"])
    run_queued_tasks()
    notes = list(_first_notifications())
    assert [(n.recipient_id, n.post_id, n.key) for n in notes] == [
        (world.people["ambassador"].pk, post.pk, f"first:{newcomer.pk}")
    ]
    # The job run again (a retry) notifies nobody twice.
    from rucher.recognition.tasks import notify_first_contribution

    notify_first_contribution.call(post.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _post(newcomer, world.communities["open"], title="Second")
    run_queued_tasks()
    assert _first_notifications().count() == 1


def test_a_second_post_is_not_a_first_contribution(world, newcomer):
    first = _post(newcomer, world.communities["open"])
    second = _post(newcomer, world.communities["open"], title="Again")
    from rucher.recognition.services import first_contribution_notify

    assert first_contribution_notify(post_id=second.pk) == 0
    assert first_contribution_notify(post_id=first.pk) == 1


def test_managers_are_told_when_there_is_no_ambassador(world, newcomer):
    community = world.communities["open"]
    membership_actions.membership_set_role(
        actor=world.people["owner"],
        community=community,
        person=world.people["ambassador"],
        role="member",
    )
    from rucher.recognition.services import first_contribution_notify

    post = _post(newcomer, community)
    first_contribution_notify(post_id=post.pk)
    recipients = set(_first_notifications().values_list("recipient_id", flat=True))
    assert recipients == {world.people["owner"].pk, world.people["manager"].pk}


@pytest.mark.parametrize(
    ("position", "visibility", "status"),
    [
        ("ambassador", "open", 200),
        ("manager", "open", 200),
        ("owner", "secret", 200),
        ("administrator", "secret", 200),
        ("member", "open", 403),
        ("member", "secret", 403),
        ("outsider", "open", 403),
        ("outsider", "private", 404),
        ("outsider", "secret", 404),
    ],
)
def test_the_welcome_list_is_for_ambassadors_and_managers(
    world, client_for, position, visibility, status
):
    slug = world.communities[visibility].slug
    response = client_for(world.people[position]).get(f"/c/{slug}/welcome/")
    assert response.status_code == status


def test_the_welcome_list_shows_first_posts_only(world, newcomer, client_for):
    community = world.communities["open"]
    veteran_post = _post(world.people["member"], community, title="Not my first")
    _post(world.people["member"], community, title="Member second")
    first = _post(newcomer, community, title="Newbie first")
    _post(newcomer, community, title="Newbie second")
    response = client_for(world.people["ambassador"]).get(f"/c/{community.slug}/welcome/")
    body = response.content.decode()
    assert "Newbie first" in body
    assert "Newbie second" not in body and "Member second" not in body
    assert f"/posts/{first.pk}/" in body
    assert f"/posts/{veteran_post.pk}/" in body  # the member's first post, too


def test_the_welcome_list_hides_hidden_posts(world, newcomer, client_for):
    from django.utils import timezone

    from rucher.content.models import Post

    post = _post(newcomer, world.communities["open"], title="HIDDEN-FIRST")
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
    response = client_for(world.people["ambassador"]).get(
        f"/c/{world.communities['open'].slug}/welcome/"
    )
    assert "HIDDEN-FIRST" not in response.content.decode()


def test_the_ambassador_sees_the_tab(world, client_for):
    slug = world.communities["open"].slug
    body = client_for(world.people["ambassador"]).get(f"/c/{slug}/").content.decode()
    assert f"/c/{slug}/welcome/" in body
    body = client_for(world.people["member"]).get(f"/c/{slug}/").content.decode()
    assert f"/c/{slug}/welcome/" not in body


def test_the_welcome_list_pages_by_keyset(world, client_for):
    community = world.communities["open"]
    for i in range(3):
        person = PersonFactory(username=f"n{i}", display_name=f"N{i}")
        Membership.objects.create(community=community, person=person)
        _post(person, community, title=f"first-{i}")
    from rucher.recognition.selectors import first_posts_page

    viewer = world.people["ambassador"]
    page = first_posts_page(viewer, community, limit=2)
    rest = first_posts_page(viewer, community, cursor=page.next_cursor, limit=2)
    titles = [p.post.title for p in page.items + rest.items]
    assert titles[:3] == ["first-2", "first-1", "first-0"]
    assert client_for(viewer).get(f"/c/{community.slug}/welcome/?cursor=x").status_code == 400
