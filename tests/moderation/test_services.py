"""Moderation services: reporting, hiding and restoring, dismissing, and their audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rucher.communities import services as community_services
from rucher.content.access import access_comment, access_post
from rucher.core.errors import NotFound
from rucher.core.factories import PersonFactory
from rucher.core.models import AuditEvent
from rucher.moderation import services
from rucher.moderation.models import Report
from tests.moderation.helpers import make_comment, make_post

pytestmark = pytest.mark.django_db


def test_it_reports_a_post(world, posts):
    report, created = services.report_create(
        reporter=world.people["ambassador"], post=posts["open"], reason="  Propos déplacés  "
    )
    assert created
    assert report.status == Report.Status.OPEN
    assert report.reason == "Propos déplacés"
    assert report.reporter == world.people["ambassador"]
    assert report.comment is None


def test_any_reader_of_an_open_community_may_report(world, posts):
    _report, created = services.report_create(
        reporter=world.people["outsider"], post=posts["open"], reason="Spam"
    )
    assert created


def test_reporting_twice_while_open_is_idempotent(world, posts):
    first, _ = services.report_create(
        reporter=world.people["member"], post=posts["private"], reason="Spam"
    )
    again, created = services.report_create(
        reporter=world.people["member"], post=posts["private"], reason="Encore du spam"
    )
    assert not created
    assert again.pk == first.pk
    assert Report.objects.count() == 1


def test_a_new_report_is_possible_once_the_first_is_closed(world, posts):
    first, _ = services.report_create(
        reporter=world.people["member"], post=posts["open"], reason="Spam"
    )
    services.report_dismiss(actor=world.people["manager"], report=first)
    second, created = services.report_create(
        reporter=world.people["member"], post=posts["open"], reason="Toujours du spam"
    )
    assert created and second.pk != first.pk


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001, "a\x00b", "bip\x07"])
def test_it_refuses_bad_reasons_naming_the_field(world, posts, reason):
    with pytest.raises(ValidationError) as exc:
        services.report_create(reporter=world.people["member"], post=posts["open"], reason=reason)
    assert "reason" in exc.value.message_dict
    assert Report.objects.count() == 0


def test_a_reason_of_exactly_the_limit_is_accepted(world, posts):
    report, _ = services.report_create(
        reporter=world.people["member"], post=posts["open"], reason="x" * 1000
    )
    assert len(report.reason) == 1000


@pytest.mark.parametrize("visibility", ["private", "secret"])
def test_an_outsider_cannot_report_what_they_cannot_read(world, posts, visibility):
    with pytest.raises(Http404):
        access_post(world.people["outsider"], posts[visibility].pk)
    with pytest.raises(NotFound):
        services.report_create(
            reporter=world.people["outsider"], post=posts[visibility], reason="Spam"
        )
    assert Report.objects.count() == 0


def test_a_comment_of_another_post_is_refused(world, posts):
    comment = make_comment(world.people["member"], posts["private"])
    with pytest.raises(NotFound):
        services.report_create(
            reporter=world.people["member"], post=posts["open"], comment=comment, reason="Spam"
        )


@pytest.mark.parametrize("moderator", ["manager", "owner", "administrator"])
def test_hiding_makes_the_post_disappear_for_readers_only(world, posts, moderator):
    post = posts["private"]
    report, _ = services.report_create(reporter=world.people["member"], post=post, reason="Spam")
    actor = world.people[moderator]
    services.post_hide(actor=actor, post=post)
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_by == actor
    for reader in ("member", "ambassador"):
        with pytest.raises(Http404):
            access_post(world.people[reader], post.pk)
    assert access_post(actor, post.pk) == post
    report.refresh_from_db()
    assert report.status == Report.Status.HIDDEN
    assert report.resolved_by == actor and report.resolved_at is not None

    services.post_restore(actor=actor, post=post)
    post.refresh_from_db()
    assert not post.is_hidden and post.hidden_by is None
    assert access_post(world.people["member"], post.pk) == post


@pytest.mark.parametrize("person", ["member", "ambassador", "outsider", "leaver"])
def test_non_moderators_cannot_hide(world, posts, person):
    with pytest.raises(PermissionDenied):
        services.post_hide(actor=world.people[person], post=posts["open"])
    posts["open"].refresh_from_db()
    assert not posts["open"].is_hidden
    assert not AuditEvent.objects.filter(action__startswith="moderation.").exists()


def test_a_manager_of_one_community_cannot_moderate_a_post_only_in_another(world):
    other = community_services.community_create(
        creator=PersonFactory(), name="Autre club", kind="interest", visibility="open"
    )
    post = make_post(world.people["member"], other)
    with pytest.raises(PermissionDenied):
        services.post_hide(actor=world.people["manager"], post=post)
    # Cross-posted into a community they manage, it becomes theirs to moderate.
    cross = make_post(world.people["member"], other, world.communities["open"])
    services.post_hide(actor=world.people["manager"], post=cross)
    cross.refresh_from_db()
    assert cross.is_hidden


def test_every_moderation_action_is_audited(world, posts):
    manager = world.people["manager"]
    post = posts["open"]
    comment = make_comment(world.people["ambassador"], post)
    report, _ = services.report_create(reporter=world.people["member"], post=post, reason="Spam")
    services.post_hide(actor=manager, post=post)
    services.post_restore(actor=manager, post=post)
    services.comment_hide(actor=manager, comment=comment)
    services.comment_restore(actor=manager, comment=comment)
    other, _ = services.report_create(reporter=world.people["member"], post=post, reason="Bis")
    services.report_dismiss(actor=manager, report=other)
    events = list(
        AuditEvent.objects.filter(action__startswith="moderation.")
        .order_by("id")
        .values_list("action", "actor", "target")
    )
    assert events == [
        ("moderation.hide_post", manager.pk, f"post:{post.pk}"),
        ("moderation.restore_post", manager.pk, f"post:{post.pk}"),
        ("moderation.hide_comment", manager.pk, f"comment:{comment.pk}"),
        ("moderation.restore_comment", manager.pk, f"comment:{comment.pk}"),
        ("moderation.dismiss_report", manager.pk, f"post:{post.pk}"),
    ]
    hide = AuditEvent.objects.get(action="moderation.hide_post")
    assert hide.data == {"reports": [report.pk]}


def test_hiding_a_comment_makes_it_vanish_for_readers(world, posts):
    post = posts["open"]
    comment = make_comment(world.people["ambassador"], post)
    report, _ = services.report_create(
        reporter=world.people["member"], post=post, comment=comment, reason="Insultant"
    )
    services.comment_hide(actor=world.people["owner"], comment=comment)
    for reader in ("member", "outsider", "ambassador"):
        with pytest.raises(Http404):
            access_comment(world.people[reader], comment.pk)
    assert access_comment(world.people["manager"], comment.pk) == comment
    # The post itself stays readable.
    assert access_post(world.people["member"], post.pk) == post
    report.refresh_from_db()
    assert report.status == Report.Status.HIDDEN
    # A hidden comment cannot be reported again by a reader.
    with pytest.raises(NotFound):
        services.report_create(
            reporter=world.people["outsider"], post=post, comment=comment, reason="Encore"
        )
    services.comment_restore(actor=world.people["owner"], comment=comment)
    assert access_comment(world.people["member"], comment.pk) == comment


def test_hiding_a_comment_leaves_reports_on_the_post_open(world, posts):
    post = posts["open"]
    comment = make_comment(world.people["ambassador"], post)
    on_post, _ = services.report_create(reporter=world.people["member"], post=post, reason="A")
    services.comment_hide(actor=world.people["manager"], comment=comment)
    on_post.refresh_from_db()
    assert on_post.status == Report.Status.OPEN


def test_member_cannot_hide_a_comment_or_dismiss(world, posts):
    comment = make_comment(world.people["ambassador"], posts["open"])
    report, _ = services.report_create(
        reporter=world.people["member"], post=posts["open"], reason="Spam"
    )
    with pytest.raises(PermissionDenied):
        services.comment_hide(actor=world.people["member"], comment=comment)
    with pytest.raises(PermissionDenied):
        services.report_dismiss(actor=world.people["member"], report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN


def test_dismissing_twice_changes_nothing(world, posts):
    report, _ = services.report_create(
        reporter=world.people["member"], post=posts["open"], reason="Spam"
    )
    services.report_dismiss(actor=world.people["manager"], report=report)
    services.report_dismiss(actor=world.people["owner"], report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED
    assert report.resolved_by == world.people["manager"]
    assert AuditEvent.objects.filter(action="moderation.dismiss_report").count() == 1


def test_hiding_twice_keeps_the_first_hider(world, posts):
    post = posts["open"]
    services.post_hide(actor=world.people["manager"], post=post)
    services.post_hide(actor=world.people["owner"], post=post)
    post.refresh_from_db()
    assert post.hidden_by == world.people["manager"]
