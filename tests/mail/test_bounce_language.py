"""Bounces speak the sender's language (issue 14, item 14): their account's language, else the
organisation's (French by default), with the reason and what to do; the SMTP reply keeps them
readable in ASCII."""

import pytest

from rucher.accounts.models import User
from rucher.mail.inbound import handle_inbound
from tests.mail.inbound_helpers import (  # noqa: F401 - fixtures
    DOMAIN,
    email_bytes,
    inbound,
    mail_settings,
)

pytestmark = pytest.mark.django_db


def _send(to, sender, **kwargs):
    kwargs.setdefault("subject", "Chiffres")
    kwargs.setdefault("text", "Voici les chiffres.")
    return handle_inbound(email_bytes(to=to, sender=sender, **kwargs), recipients=[to])


def test_an_unknown_sender_is_answered_in_french_with_what_to_do(inbound):  # noqa: F811 - the fixture
    result = _send(inbound.community("open"), "stranger@example.net")
    assert result.message == (
        "Votre adresse n’est pas l’adresse enregistrée d’une personne du réseau\u00a0: écrivez "
        "depuis l’adresse de votre compte. Rien n’a été publié."
    )
    assert result.smtp_reply == (
        "550 5.7.1 Votre adresse n'est pas l'adresse enregistree d'une personne du reseau : "
        "ecrivez depuis l'adresse de votre compte. Rien n'a ete publie."
    )


def test_a_person_who_chose_english_is_answered_in_english(inbound):  # noqa: F811 - the fixture
    member = inbound.person("outsider")
    User.objects.filter(pk=member.pk).update(language="en")
    result = _send(inbound.community("open"), member.email)
    assert result.reason == "not_member"
    assert result.message.startswith("You are not a member of this community: join it on the web")


def test_a_person_without_a_language_gets_the_organisation_s(inbound):  # noqa: F811 - the fixture
    result = _send(inbound.community("open"), inbound.address("outsider"))
    assert result.reason == "not_member"
    assert result.message.startswith("Vous n’êtes pas membre de cette communauté")


def test_the_organisation_language_is_the_default(inbound, settings):  # noqa: F811 - the fixture
    settings.LANGUAGE_CODE = "en"
    result = _send(f"nowhere@{DOMAIN}", "stranger@example.net")
    assert result.message.startswith("Your address is not the registered address")


def test_a_bounce_before_the_sender_is_known_speaks_their_language_too(inbound, settings):  # noqa: F811 - the fixture
    settings.RUCHER_MAILIN_MAX_BYTES = 500
    member = inbound.person("member")
    User.objects.filter(pk=member.pk).update(language="en")
    english = _send(inbound.community("open"), member.email, text="x" * 2000)
    assert english.reason == "too_large"
    assert "Share large files through a link" in english.message
    french = _send(inbound.community("open"), "stranger@example.net", text="x" * 2000)
    assert "Partagez les gros fichiers par un lien" in french.message
