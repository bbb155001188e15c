"""Email in a real browser and a real mailbox round trip: Eva gets an email when Chloé comments
on her post; she replies to it (the reply becomes a comment in the thread, seen in the
browser); the one-click unsubscribe link from the email works logged out; her email
preferences page shows the change and saves another one.

Sending goes through the outbox with no grace delay into Django's test mailbox; the reply is
handed to `handle_inbound`, the function both `rucher mailin` entry points call.
"""

import email
import re
from email import policy
from email.message import EmailMessage

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from rucher.actions import comments as comment_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Community
from rucher.communities.services import community_create
from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.mail.inbound import handle_inbound
from rucher.mail.preferences import delivery_for, preferences_set


def _drain(capture) -> None:
    for _ in range(5):
        with capture(execute=True) as callbacks:
            ran = run_queued_tasks()
        if not ran and not callbacks:
            return


@pytest.mark.e2e
def test_an_email_reply_joins_the_thread_and_unsubscribing_works(
    page: Page, live_server, login, settings, django_capture_on_commit_callbacks
):
    settings.RUCHER_EMAIL_GRACE_SECONDS = 0
    owner = PersonFactory(username="olivia", display_name="Olivia Owner")
    club = community_create(
        creator=owner,
        name="Budget club",
        slug="budget-club",
        kind=Community.Kind.PROJECT,
        visibility=Community.Visibility.OPEN,
        description="Budgets.",
    )
    eva = PersonFactory(username="eva", display_name="Eva Author", email="eva@example.org")
    chloe = PersonFactory(username="chloe", display_name="Chloé Commenter")
    for person in (eva, chloe):
        membership_actions.community_join(person=person, community=club)
    # Eva's first-post badge is emailed at once by default: this journey follows the comment's.
    preferences_set(person=eva, changes={"badge": "weekly"})
    post = post_actions.post_publish(
        author=eva, communities=[club], title="Budget 2027", body="Draft inside."
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_actions.comment_publish(
            author=chloe, post=post, body="Nice work on the travel lines."
        )
    _drain(django_capture_on_commit_callbacks)

    sent = [m for m in mail.outbox if "eva@example.org" in m.to]
    assert len(sent) == 1
    received = email.message_from_bytes(sent[0].message().as_bytes(), policy=policy.default)
    assert "Budget 2027" in received["Subject"]
    reply_to = str(received["Reply-To"])
    assert reply_to.startswith("reply+")

    # Eva answers from her mail client, quoting the notification as clients do.
    reply = EmailMessage()
    reply["From"] = "Eva Author <eva@example.org>"
    reply["To"] = reply_to
    reply["Subject"] = "Re: " + received["Subject"]
    reply["Message-ID"] = "<reply-1@example.org>"
    reply["In-Reply-To"] = received["Message-ID"]
    reply.set_content(
        "Thanks, I will fix them tomorrow.\n\n"
        "Le lun. 23 nov. 2026 à 10:00, Rucher <noreply@example.org> a écrit :\n"
        "> Chloé commented on your post\n"
    )
    result = handle_inbound(reply.as_bytes())
    assert result.outcome == "commented"

    login("eva")
    page.goto(f"{live_server.url}/posts/{post.pk}/")
    expect(page.get_by_text("Thanks, I will fix them tomorrow.")).to_be_visible()
    expect(page.get_by_text("> Chloé commented on your post")).to_have_count(0)

    # The one-click link works without being logged in.
    unsubscribe = re.search(r"<(https?://[^>]+)>", str(received["List-Unsubscribe"]))
    assert unsubscribe is not None
    path = re.sub(r"^https?://[^/]+", "", unsubscribe.group(1))
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{path}")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("status")).to_contain_text("You will no longer receive emails")
    assert delivery_for(eva, "comment") == "never"

    # Her preferences page shows it (her choices are no preset: « Customise » is open) and
    # saves another change.
    login("eva")
    page.goto(f"{live_server.url}/settings/email/")
    comment_select = page.get_by_label("Comment on my post")
    expect(comment_select).to_have_value("never")
    page.get_by_label("Mention", exact=True).select_option("daily")
    page.get_by_role("button", name="Save").click()
    page.goto(f"{live_server.url}/settings/email/")
    expect(page.get_by_label("Mention", exact=True)).to_have_value("daily")
    assert delivery_for(eva, "mention") == "daily"
