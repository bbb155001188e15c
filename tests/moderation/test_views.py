"""Moderation pages: the report form, the queue and its buttons, the audit log."""

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rucher.content.access import access_post
from rucher.core.audit import audit_record
from rucher.core.models import AuditEvent
from rucher.moderation import services
from rucher.moderation.models import Report
from tests.moderation.helpers import make_comment, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(world):
    clients: dict[str, Client] = {}

    def get(position):
        if position not in clients:
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            if position != "anonymous":
                client.force_login(world.people[position])
            clients[position] = client
        return clients[position]

    return get


def test_the_report_form_is_shown_to_readers(as_, posts):
    response = as_("member").get(f"/posts/{posts['private'].pk}/report/")
    assert response.status_code == 200
    assert b'name="reason"' in response.content


def test_a_reader_reports_a_post(as_, world, posts):
    post = posts["open"]
    response = as_("outsider").post(f"/posts/{post.pk}/report/", {"reason": "Publicité"})
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{post.pk}/"
    report = Report.objects.get()
    assert (report.reporter, report.post, report.reason) == (
        world.people["outsider"],
        post,
        "Publicité",
    )
    again = as_("outsider").post(f"/posts/{post.pk}/report/", {"reason": "Bis"})
    assert again.status_code == 302
    assert Report.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001, "a\x00b"])
def test_a_bad_reason_is_refused_on_the_form(as_, posts, reason):
    response = as_("member").post(f"/posts/{posts['open'].pk}/report/", {"reason": reason})
    assert response.status_code == 400
    assert b"field-error" in response.content
    assert Report.objects.count() == 0


def test_a_reader_reports_a_comment(as_, world, posts):
    comment = make_comment(world.people["ambassador"], posts["private"])
    response = as_("member").post(f"/comments/{comment.pk}/report/", {"reason": "Hors sujet"})
    assert response.status_code == 302
    assert Report.objects.get().comment == comment


@pytest.mark.parametrize("position", ["outsider", "requester", "leaver"])
@pytest.mark.parametrize("visibility", ["private", "secret"])
def test_outsiders_get_404_on_the_report_form(as_, posts, position, visibility):
    url = f"/posts/{posts[visibility].pk}/report/"
    assert as_(position).get(url).status_code == 404
    assert as_(position).post(url, {"reason": "Spam"}).status_code == 404
    assert Report.objects.count() == 0


def test_anonymous_is_sent_to_login(as_, posts):
    response = as_("anonymous").get(f"/posts/{posts['open'].pk}/report/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_missing_or_huge_ids_are_404(as_):
    assert as_("member").get("/posts/999999/report/").status_code == 404
    assert as_("member").get(f"/posts/{2**70}/report/").status_code == 404


@pytest.mark.parametrize("position", ["member", "ambassador", "outsider", "leaver"])
def test_the_queue_is_404_for_non_moderators(as_, position):
    assert as_(position).get("/moderation/").status_code == 404


def test_the_queue_lists_reports_for_moderators(as_, world, posts):
    services.report_create(
        reporter=world.people["member"], post=posts["secret"], reason="Propos <b>déplacés</b>"
    )
    for position in ("manager", "owner", "administrator"):
        response = as_(position).get("/moderation/")
        assert response.status_code == 200
        assert "Propos &lt;b&gt;déplacés&lt;/b&gt;" in response.content.decode()
        assert f"/moderation/posts/{posts['secret'].pk}/hide" in response.content.decode()


def test_hide_and_restore_from_the_queue(as_, world, posts):
    post = posts["private"]
    services.report_create(reporter=world.people["member"], post=post, reason="Spam")
    response = as_("manager").post(f"/moderation/posts/{post.pk}/hide")
    assert response.status_code == 302
    with pytest.raises(Http404):
        access_post(world.people["member"], post.pk)
    assert Report.objects.get().status == Report.Status.HIDDEN
    page = as_("manager").get("/moderation/").content.decode()
    assert f"/moderation/posts/{post.pk}/restore" in page  # under "Recently hidden"
    as_("manager").post(f"/moderation/posts/{post.pk}/restore", {"next": "/c/x/"})
    assert access_post(world.people["member"], post.pk) == post


def test_a_foreign_next_is_ignored(as_, posts):
    response = as_("manager").post(
        f"/moderation/posts/{posts['open'].pk}/hide", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/moderation/"


def test_the_buttons_refuse_non_moderators(as_, world, posts):
    post = posts["private"]
    comment = make_comment(world.people["ambassador"], post)
    report, _ = services.report_create(reporter=world.people["member"], post=post, reason="R")
    for url in (
        f"/moderation/posts/{post.pk}/hide",
        f"/moderation/posts/{post.pk}/restore",
        f"/moderation/comments/{comment.pk}/hide",
        f"/moderation/comments/{comment.pk}/restore",
        f"/moderation/reports/{report.pk}/dismiss",
    ):
        assert as_("member").post(url).status_code == 403, url
        assert as_("outsider").post(url).status_code == 404, url
        assert as_("manager").get(url).status_code == 405, url
    post.refresh_from_db()
    assert not post.is_hidden
    assert Report.objects.get().status == Report.Status.OPEN


def test_hide_a_comment_and_dismiss_a_report(as_, world, posts):
    post = posts["open"]
    comment = make_comment(world.people["ambassador"], post)
    report, _ = services.report_create(reporter=world.people["member"], post=post, reason="R")
    as_("owner").post(f"/moderation/comments/{comment.pk}/hide")
    comment.refresh_from_db()
    assert comment.is_hidden
    as_("owner").post(f"/moderation/reports/{report.pk}/dismiss")
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED


def test_the_queue_page_has_a_constant_query_budget(as_, world, posts):
    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert as_("manager").get("/moderation/").status_code == 200
        return len(ctx.captured_queries)

    def fill(n):
        for i in range(n):
            p = make_post(world.people["owner"], world.communities["open"])
            c = make_comment(world.people["ambassador"], p) if i % 2 else None
            services.report_create(reporter=world.people["member"], post=p, comment=c, reason="R")

    fill(5)
    as_("manager").get("/moderation/")
    few = measure()
    fill(15)
    assert measure() == few


def test_the_audit_log_is_for_administrators_only(as_, world, posts):
    for position in ("manager", "owner", "member"):
        assert as_(position).get("/moderation/audit/").status_code == 404
    services.post_hide(actor=world.people["manager"], post=posts["open"])
    response = as_("administrator").get("/moderation/audit/")
    assert response.status_code == 200
    assert "moderation.hide_post" in response.content.decode()
    assert f"post:{posts['open'].pk}" in response.content.decode()


def test_the_audit_log_filters_by_action_and_pages(as_, world, posts):
    for i in range(60):
        audit_record(action="test.thing", actor=world.people["owner"], target=f"t:{i}")
    services.post_hide(actor=world.people["manager"], post=posts["open"])
    only = as_("administrator").get("/moderation/audit/?action=moderation.hide_post")
    body = only.content.decode()
    assert "moderation.hide_post</code>" in body and "test.thing</code>" not in body
    first = as_("administrator").get("/moderation/audit/?action=test.thing")
    assert first.context["page"].next_cursor
    assert [e.target for e in first.context["page"].items][:2] == ["t:59", "t:58"]
    second = as_("administrator").get(
        f"/moderation/audit/?action=test.thing&cursor={first.context['page'].next_cursor}"
    )
    assert [e.target for e in second.context["page"].items] == [f"t:{i}" for i in range(9, -1, -1)]
    assert as_("administrator").get("/moderation/audit/?cursor=nope").status_code == 400
    # An unknown action shows everything rather than failing.
    assert as_("administrator").get("/moderation/audit/?action=%00").status_code == 200
    assert AuditEvent.objects.count() >= 61


def test_the_report_link_include(world, posts):
    from django.template.loader import render_to_string

    html = render_to_string("moderation/_report_link.html", {"post": posts["open"]})
    assert f'href="/posts/{posts["open"].pk}/report/"' in html
    comment = make_comment(world.people["member"], posts["open"])
    html = render_to_string(
        "moderation/_report_link.html", {"post": posts["open"], "comment": comment}
    )
    assert f'href="/comments/{comment.pk}/report/"' in html
