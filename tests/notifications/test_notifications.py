"""The inbox (F-NOTIFY): messages per kind in French and English, what stays visible, unread
count, mark read, join requests and decisions, the web page and the top-bar badge."""

import copy

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from rucher.actions import memberships as membership_actions
from rucher.communities import services as community_services
from rucher.content.access import viewer_scope
from rucher.core.factories import PersonFactory
from rucher.core.memo import request_memo
from rucher.notifications.context_processors import notifications as badge_processor
from rucher.notifications.messages import notification_message, notification_url
from rucher.notifications.models import Notification
from rucher.notifications.selectors import inbox_page, unread_count
from rucher.notifications.services import notifications_mark_read, notify
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db


def _one(kind, recipient, **kwargs):
    notify(recipient_ids=[recipient.pk], kind=kind, key=f"{kind}:{kwargs}", **kwargs)
    return Notification.objects.filter(recipient=recipient, kind=kind).latest("id")


@pytest.fixture
def camille(db):
    return PersonFactory(username="camille", display_name="Camille")


@pytest.mark.parametrize(
    ("kind", "extra", "english", "french"),
    [
        ("mention", {}, "Camille mentioned you in “Budget”", "Camille vous cite dans"),
        ("comment", {}, "Camille commented on your post “Budget”", "Camille a commenté"),
        ("reply", {}, "Camille replied to your comment on “Budget”", "Camille a répondu"),
        ("like", {}, "Camille liked your post “Budget”", "Camille a aimé"),
        ("announcement", {}, "New announcement in Open club: “Budget”", "Nouvelle annonce"),
        ("read_reminder", {}, "Reminder: please read “Budget”", "Rappel"),
    ],
)
def test_it_words_each_kind_about_a_post(world, camille, kind, extra, english, french):
    post = make_post(world.people["owner"], [world.communities["open"]], title="Budget")
    n = _one(
        kind,
        world.people["member"],
        actor_id=camille.pk,
        post_id=post.pk,
        community_id=world.communities["open"].pk,
    )
    with translation.override("en"):
        assert notification_message(n) == english
    with translation.override("fr"):
        assert notification_message(n).startswith(french)
    assert notification_url(n) == f"/posts/{post.pk}/"


@pytest.mark.parametrize(
    ("gender", "mention", "thanks"),
    [
        ("", "Camille vous cite dans", "Merci de la part de Camille\u00a0:"),
        ("f", "Camille vous a mentionnée dans", "Camille vous a remerciée publiquement"),
        ("m", "Camille vous a mentionné dans", "Camille vous a remercié publiquement"),
    ],
)
def test_french_agrees_with_the_recipients_grammatical_gender(
    world, camille, gender, mention, thanks
):
    post = make_post(world.people["owner"], [world.communities["open"]], title="Budget")
    member = world.people["member"]
    mentioned = _one("mention", member, actor_id=camille.pk, post_id=post.pk)
    thanked = _one("kudos", member, actor_id=camille.pk, post_id=post.pk)
    with translation.override("fr"):
        assert notification_message(mentioned, gender=gender).startswith(mention)
        assert notification_message(thanked, gender=gender).startswith(thanks)
    with translation.override("en"):
        assert notification_message(thanked, gender=gender).startswith("Camille thanked you")


def test_it_words_join_requests_and_decisions(world, camille):
    community = world.communities["private"]
    request = _one(
        "join_request", world.people["owner"], actor_id=camille.pk, community_id=community.pk
    )
    approved = Notification.objects.create(
        recipient=camille,
        kind="join_decision",
        key="a",
        community=community,
        data={"approved": True},
    )
    rejected = Notification.objects.create(
        recipient=camille,
        kind="join_decision",
        key="r",
        community=community,
        data={"approved": False},
    )
    with translation.override("en"):
        assert notification_message(request) == "Camille asked to join Private club"
        assert notification_message(approved) == "Your request to join Private club was approved"
        assert notification_message(rejected) == "Your request to join Private club was rejected"
    with translation.override("fr"):
        assert notification_message(request) == "Camille a demandé à rejoindre Private club"
        assert (
            notification_message(approved)
            == "Votre demande pour rejoindre Private club a été acceptée"
        )
        assert (
            notification_message(rejected)
            == "Votre demande pour rejoindre Private club a été refusée"
        )
    assert notification_url(request) == f"/c/{community.slug}/manage/"
    assert notification_url(approved) == f"/c/{community.slug}/"


def test_it_hides_notifications_about_posts_i_can_no_longer_read(world, camille):
    member = world.people["member"]
    private = make_post(world.people["owner"], [world.communities["private"]], title="Private")
    hidden = make_post(world.people["owner"], [world.communities["open"]], title="Hidden")
    visible = make_post(world.people["owner"], [world.communities["open"]], title="Open")
    for post in (private, hidden, visible):
        _one("like", member, actor_id=camille.pk, post_id=post.pk)
    assert unread_count(member) == 3
    community_services.community_leave(person=member, community=world.communities["private"])
    hidden.hidden_at = hidden.created_at
    hidden.save(update_fields=["hidden_at"])
    assert [n.post_id for n in inbox_page(member).items] == [visible.pk]
    assert unread_count(member) == 1


def test_it_hides_notifications_about_a_secret_community_i_left(world):
    member = world.people["member"]
    secret = world.communities["secret"]
    Notification.objects.create(
        recipient=member, kind="join_decision", key="s", community=secret, data={"approved": True}
    )
    assert unread_count(member) == 1
    community_services.community_leave(person=member, community=secret)
    assert unread_count(member) == 0 and inbox_page(member).items == []


def test_it_marks_only_my_own_notifications_read(world, camille):
    member, other = world.people["member"], world.people["ambassador"]
    mine = _one("mention", member, actor_id=camille.pk)
    theirs = _one("mention", other, actor_id=camille.pk)
    assert notifications_mark_read(person_id=member.pk, ids=[mine.pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert unread_count(member) == 0 and unread_count(other) == 1
    assert [n.pk for n in inbox_page(member, unread=True).items] == []
    assert [n.pk for n in inbox_page(member).items] == [mine.pk]


def test_the_unread_count_is_one_query(world, camille):
    member = world.people["member"]
    notify(recipient_ids=[member.pk], kind="mention", key="x", actor_id=camille.pk)
    # In a request, the viewer's memberships are read once (rucher.core.memo) and shared by
    # every access filter of the page: then the count itself is one query.
    with request_memo():
        viewer_scope(member)
        with CaptureQueriesContext(connection) as ctx:
            assert unread_count(member) == 1
    assert len(ctx.captured_queries) == 1
    # Outside a request nothing is memoised: the memberships are read again, once.
    with CaptureQueriesContext(connection) as ctx:
        assert unread_count(member) == 1
    assert len(ctx.captured_queries) == 2


def test_a_request_to_join_notifies_the_managers_and_the_decision_the_requester(
    world, camille, django_capture_on_commit_callbacks
):
    community = world.communities["private"]
    with django_capture_on_commit_callbacks(execute=True):
        membership_actions.community_join(person=camille, community=community)
    managers = {world.people["owner"].pk, world.people["manager"].pk}
    notified = set(
        Notification.objects.filter(kind="join_request", actor=camille).values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == managers
    with django_capture_on_commit_callbacks(execute=True):
        membership_actions.request_reject(
            actor=world.people["manager"], community=community, person=camille
        )
    with django_capture_on_commit_callbacks(execute=True):
        membership_actions.community_join(person=camille, community=community)
    with django_capture_on_commit_callbacks(execute=True):
        membership_actions.request_approve(
            actor=world.people["owner"], community=community, person=camille
        )
    decisions = list(
        Notification.objects.filter(recipient=camille, kind="join_decision")
        .order_by("id")
        .values_list("data", flat=True)
    )
    assert decisions == [{"approved": False}, {"approved": True}]
    # The second request notified the managers again (a new request, a new key).
    assert Notification.objects.filter(kind="join_request", actor=camille).count() == 4


def test_joining_an_open_community_notifies_nobody(
    world, camille, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership_actions.community_join(person=camille, community=world.communities["open"])
    assert not Notification.objects.exists()


# The web page


def test_the_inbox_page_lists_marks_read_and_speaks_french(world, camille, client_for):
    member = world.people["member"]
    post = make_post(world.people["owner"], [world.communities["open"]], title="Budget")
    first = _one("like", member, actor_id=camille.pk, post_id=post.pk)
    _one("mention", member, actor_id=camille.pk, post_id=post.pk)
    client = client_for(member, language="fr")
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert "Camille a aimé" in page.content.decode()
    response = client.post(f"/notifications/{first.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert unread_count(member) == 1
    assert client.post("/notifications/read/").status_code == 302
    assert unread_count(member) == 0
    assert client.get("/notifications/?cursor=bad").status_code == 400
    assert client.get(f"/notifications/{first.pk}/read/").status_code == 405
    assert client_for().get("/notifications/").status_code == 302


def test_the_inbox_loads_more_with_htmx(world, camille, client_for):
    member = world.people["member"]
    notify_ids = []
    for i in range(25):
        notify(recipient_ids=[member.pk], kind="mention", key=f"m{i}", actor_id=camille.pk)
        notify_ids.append(i)
    client = client_for(member)
    first = client.get("/notifications/")
    cursor = first.context["page"].next_cursor
    more = client.get(f"/notifications/?cursor={cursor}", HTTP_HX_REQUEST="true")
    assert more.status_code == 200 and "<html" not in more.content.decode()
    assert len(more.context["items"]) == 5


def test_the_badge_counts_unread_once_and_only_for_people_signed_in(world, camille, rf):
    from django.contrib.auth.models import AnonymousUser

    member = world.people["member"]
    request = rf.get("/")
    request.user = AnonymousUser()
    assert badge_processor(request) == {}
    request.user = member
    context = badge_processor(request)
    with CaptureQueriesContext(connection) as ctx:
        assert str(context["notifications_badge"]) == ""
    notify(recipient_ids=[member.pk], kind="mention", key="b", actor_id=camille.pk)
    with request_memo():
        context = badge_processor(request)
        with CaptureQueriesContext(connection) as ctx:
            assert str(context["notifications_badge"]) == "1"
            assert bool(context["notifications_badge"])
    # The viewer's memberships (once per request), then one COUNT, however often it is shown.
    assert len(ctx.captured_queries) == 2


def test_the_top_bar_shows_the_badge(world, camille, client_for, settings):
    templates = copy.deepcopy(django_settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append(
        "rucher.notifications.context_processors.notifications"
    )
    settings.TEMPLATES = templates
    member = world.people["member"]
    notify(recipient_ids=[member.pk], kind="mention", key="t", actor_id=camille.pk)
    html = client_for(member).get("/notifications/").content.decode()
    assert '<span class="badge" aria-label="Unread notifications: 1">1</span>' in html
