"""Personal posting addresses (issue 13, item 7): a forged `From:` to the plain community
address publishes nothing by default; `<slug>+<token>@` publishes for its owner only, while
they may post; the address is shown to its owner, renewable and revocable; the deploy check
warns when plain addresses are trusted without authentication."""
# ruff: noqa: F811 - the fixtures come from inbound_helpers

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from rucher.communities.models import Membership
from rucher.content.models import Post
from rucher.mail import checks
from rucher.mail.inbound import handle_inbound
from rucher.mail.models import PostingAddress
from rucher.mail.posting import (
    posting_address_for,
    posting_address_renew,
    posting_address_turn_off,
)
from tests.mail.inbound_helpers import (  # noqa: F401 - fixtures
    DOMAIN,
    email_bytes,
    inbound,
    mail_settings,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_bounces(settings):
    """These tests read the bounces in English: the sender's default language is made English
    here (tests/mail/test_bounce_language.py checks the French default)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _personal_only(mail_settings):
    """The default configuration: no plain addresses, no authentication service."""
    mail_settings.RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES = False
    mail_settings.RUCHER_MAILIN_AUTHSERV_ID = ""


def send(to, sender, **kwargs):
    kwargs.setdefault("subject", "Quarterly figures")
    kwargs.setdefault("text", "Here are the figures.")
    return handle_inbound(
        email_bytes(to=to, sender=sender, **kwargs), recipients=[to], sender=sender
    )


def new_posts():
    return Post.objects.exclude(title__endswith=" news")


def address_of(inbound, position, visibility="private"):
    return posting_address_for(
        person=inbound.person(position), community=inbound.world.communities[visibility]
    )


# --- the plain address -------------------------------------------------------------------------


def test_a_forged_from_to_the_plain_address_publishes_nothing(inbound):
    # Anyone can write the member's address in From: the plain address cannot tell.
    result = send(inbound.community("secret"), inbound.address("member"))
    assert (result.outcome, result.reason) == ("bounced", "personal_address_required")
    assert result.smtp_reply.startswith("550 5.7.1 ")
    assert "personal posting address" in result.smtp_reply
    assert result.exit_code == 77
    assert not new_posts().exists()


def test_the_refusal_says_nothing_about_which_communities_exist(inbound):
    outsider = inbound.address("outsider")
    answers = {
        send(to, outsider).smtp_reply
        for to in (inbound.community("secret"), inbound.community("open"), f"nothing@{DOMAIN}")
    }
    assert len(answers) == 1


def test_plain_addresses_publish_authenticated_mail(inbound, settings):
    settings.RUCHER_MAILIN_AUTHSERV_ID = "mx.example.org"
    unsigned = send(inbound.community("private"), inbound.address("member"))
    assert unsigned.reason == "not_authenticated"
    signed = send(
        inbound.community("private"),
        inbound.address("member"),
        headers={"Authentication-Results": "mx.example.org; dmarc=pass header.from=example.org"},
    )
    assert signed.outcome == "posted"


def test_plain_addresses_publish_when_the_administrator_allows_them(inbound, settings):
    settings.RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES = True
    assert send(inbound.community("private"), inbound.address("member")).outcome == "posted"


# --- the personal address ----------------------------------------------------------------------


def test_the_personal_address_publishes_as_its_owner(inbound):
    to = address_of(inbound, "member", "secret")
    slug = inbound.world.communities["secret"].slug
    assert to.startswith(f"{slug}+") and to.endswith(f"@{DOMAIN}")
    result = send(to, inbound.address("member"))
    assert result.outcome == "posted"
    post = new_posts().get()
    assert post.author == inbound.person("member")
    assert list(post.communities.values_list("slug", flat=True)) == [slug]
    assert send(to.upper(), inbound.address("member").upper(), subject="Again").outcome == (
        "posted"
    )


def test_the_personal_address_needs_its_owners_from(inbound):
    to = address_of(inbound, "member")
    for sender in (inbound.address("manager"), "forger@evil.example"):
        result = send(to, sender)
        assert (result.outcome, result.reason) == ("bounced", "sender_mismatch")
    assert not new_posts().exists()


def test_the_personal_address_of_a_person_who_left_or_was_removed_publishes_nothing(inbound):
    member = inbound.person("member")
    private = address_of(inbound, "member", "private")
    secret = address_of(inbound, "member", "secret")
    Membership.objects.filter(person=member).update(status=Membership.Status.REMOVED)
    assert send(private, member.email).reason == "not_member"
    assert send(secret, member.email).reason == "no_such_address"
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert send(private, member.email).reason == "inactive"
    assert not new_posts().exists()


def test_an_address_only_works_for_its_own_community(inbound):
    to = address_of(inbound, "member", "private")
    token = to.partition("+")[2].partition("@")[0]
    other = f"{inbound.world.communities['open'].slug}+{token}@{DOMAIN}"
    assert send(other, inbound.address("member")).reason == "personal_address_required"


def test_a_renewed_or_turned_off_address_stops_at_once(inbound):
    member, community = inbound.person("member"), inbound.world.communities["private"]
    old = posting_address_for(person=member, community=community)
    new = posting_address_renew(person=member, community=community)
    assert new != old
    assert send(old, member.email).reason == "personal_address_required"
    assert send(new, member.email).outcome == "posted"
    posting_address_turn_off(person=member, community=community)
    assert posting_address_for(person=member, community=community) is None
    assert send(new, member.email, subject="Later").reason == "personal_address_required"
    assert new_posts().count() == 1


def test_the_token_is_stored_only_as_a_hash(inbound):
    to = address_of(inbound, "member")
    token = to.partition("+")[2].partition("@")[0]
    row = PostingAddress.objects.get()
    assert token not in str(list(PostingAddress.objects.values_list()))
    assert row.token_hash and len(row.token_hash) == 64


# --- shown to its owner ------------------------------------------------------------------------


def client_for(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def test_the_community_page_shows_a_member_their_own_address(inbound):
    slug = inbound.world.communities["open"].slug
    page = client_for(inbound.person("member")).get(f"/c/{slug}/").content.decode()
    assert address_of(inbound, "member", "open") in page
    outsider_page = client_for(inbound.person("outsider")).get(f"/c/{slug}/").content.decode()
    assert f"{slug}+" not in outsider_page


def test_the_email_settings_list_renew_and_turn_off_the_addresses(inbound):
    member = inbound.person("member")
    client = client_for(member)
    page = client.get("/settings/email/").content.decode()
    for visibility in ("open", "private", "secret"):
        assert address_of(inbound, "member", visibility) in page
    slug = inbound.world.communities["private"].slug
    old = address_of(inbound, "member")
    response = client.post(f"/settings/email/posting/{slug}/", {"action": "renew"})
    assert response.status_code == 302 and response["Location"].endswith("/settings/email/#posting")
    new = address_of(inbound, "member")
    assert new != old
    page = client.get("/settings/email/").content.decode()
    assert new in page and old not in page
    client.post(f"/settings/email/posting/{slug}/", {"action": "off"})
    assert "Turned off" in client.get("/settings/email/").content.decode()
    assert client.post(f"/settings/email/posting/{slug}/", {"action": "x"}).status_code == 400


def test_only_members_change_an_address(inbound):
    outsider = client_for(inbound.person("outsider"))
    for visibility in ("open", "private", "secret", "missing"):
        slug = inbound.world.communities[visibility].slug if visibility != "missing" else "nope"
        response = outsider.post(f"/settings/email/posting/{slug}/", {"action": "renew"})
        assert response.status_code == 404
    assert not PostingAddress.objects.filter(person=inbound.person("outsider")).exists()
    assert Client().post("/settings/email/posting/x/", {"action": "renew"}).status_code == 302


# --- the deploy check --------------------------------------------------------------------------


def test_the_deploy_check_warns_when_plain_addresses_trust_the_from_header(settings):
    settings.RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES = False
    assert checks.check_plain_community_addresses() == []
    settings.RUCHER_MAILIN_PLAIN_COMMUNITY_ADDRESSES = True
    settings.RUCHER_MAILIN_AUTHSERV_ID = "mx.example.org"
    assert checks.check_plain_community_addresses() == []
    settings.RUCHER_MAILIN_AUTHSERV_ID = ""
    [warning] = checks.check_plain_community_addresses()
    assert warning.id == "rucher.mail.W001"
    with pytest.raises(SystemCheckError, match="rucher.mail.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")


def test_the_settings_section_is_in_french(inbound):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(inbound.person("member"))
    page = client.get("/settings/email/").content.decode()
    assert "Publier par e-mail" in page and "Nouvelle adresse" in page
