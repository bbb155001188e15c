"""French or English: the person's choice, else the cookie, else the browser, else French."""

from rucher.accounts.models import User


def _lang(response):
    body = response.content.decode()
    return body.split('<html lang="', 1)[1].split('"', 1)[0]


def test_it_speaks_french_by_default(client_for, member):
    response = client_for(member, language="fr").get("/")
    assert _lang(response) == "fr"
    assert response["Content-Language"] == "fr"


def test_it_speaks_french_to_a_browser_without_preference(client_for, db):
    from django.test import Client

    response = Client().get("/accounts/login/")
    assert _lang(response) == "fr"
    assert response["Content-Language"] == "fr"


def test_it_follows_an_english_browser(client_for, member):
    response = client_for(member, language="en-GB,en;q=0.9").get("/")
    assert _lang(response) == "en"
    assert response["Content-Language"] == "en"


def test_it_follows_the_browser_for_anonymous_visitors(client_for, db):
    assert _lang(client_for(language="en").get("/accounts/login/")) == "en"
    assert _lang(client_for(language="de").get("/accounts/login/")) == "fr"


def test_it_remembers_the_choice_on_the_person(client_for, member):
    client = client_for(member, language="fr")
    response = client.post("/i18n/language/", {"language": "en"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    member.refresh_from_db()
    assert member.language == "en"
    response = client.get("/")
    assert _lang(response) == "en"
    assert response["Content-Language"] == "en"


def test_it_applies_the_persons_choice_on_any_browser(client_for, member):
    User.objects.filter(pk=member.pk).update(language="en")
    # A new browser asking for French, without the language cookie.
    response = client_for(member, language="fr").get("/people/")
    assert _lang(response) == "en"
    assert response["Content-Language"] == "en"


def test_it_prefers_the_persons_french_over_an_english_browser(client_for, member):
    User.objects.filter(pk=member.pk).update(language="fr")
    assert _lang(client_for(member, language="en").get("/")) == "fr"


def test_it_remembers_an_anonymous_choice_in_a_cookie(client_for, db):
    client = client_for(language="fr")
    response = client.post("/i18n/language/", {"language": "en", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert response.cookies["rucher_language"].value == "en"
    assert _lang(client.get("/accounts/login/")) == "en"


def test_it_rejects_an_unknown_language(client_for, member):
    response = client_for(member).post("/i18n/language/", {"language": "de"})
    assert response.status_code == 400
    response = client_for(member).post("/i18n/language/", {})
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.language == ""


def test_it_never_redirects_to_another_site(client_for, member):
    response = client_for(member).post(
        "/i18n/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_it_only_switches_with_post(client_for, member):
    assert client_for(member).get("/i18n/language/?language=en").status_code == 405
