"""OpenID Connect sign-in against a real provider running locally: the browser's journey
(Rucher → provider login → back with a code), the person created or linked, and every refusal
the issue lists (unverified email, domain, state, issuer, audience, nonce, expiry)."""

import time
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory

from rucher.accounts.models import User
from rucher.actions.sso import OIDCBackend
from rucher.core.factories import PersonFactory
from rucher.core.models import AuditEvent


def _provider_login(authorize_url: str, username: str) -> str:
    """What the person's browser does at the provider: sign in, come back with a code.
    Returns the callback URL the provider redirects to."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    login_url = urljoin(authorize_url, response.headers["Location"])
    page = browser.get(login_url, timeout=10)
    assert page.status_code == 200
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    response = browser.post(
        login_url,
        data={
            "username": username,
            "password": "provider-pass",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": next_url,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    response = browser.get(
        urljoin(authorize_url, response.headers["Location"]), allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def _sign_in(client: Client, username: str, *, tamper_state: bool = False):
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    authorize_url = start["Location"]
    callback = _provider_login(authorize_url, username)
    assert callback.startswith("http://testserver/oidc/callback/")
    parts = urlsplit(callback)
    query = parts.query
    if tamper_state:
        query = query.replace("state=", "state=forged")
    return authorize_url, client.get(f"{parts.path}?{query}", HTTP_ACCEPT_LANGUAGE="en")


def _signed_in(client: Client) -> User | None:
    response = client.get("/api/v1/me")
    if response.status_code != 200:
        return None
    return User.objects.get(username=response.json()["username"])


def _refusals(reason: str) -> int:
    return AuditEvent.objects.filter(action="sso.refused", data__reason=reason).count()


def test_the_login_page_offers_the_provider(oidc):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()
    assert "Sign in with Test IdP" in page
    assert "/oidc/authenticate/" in page


def test_a_first_sign_in_creates_the_person_from_the_claims(oidc, db):
    client = Client()
    authorize_url, response = _sign_in(client, "claire.sso")
    query = parse_qs(urlsplit(authorize_url).query)
    # State, nonce and a PKCE challenge travel with the request (the provider requires PKCE).
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] and query["nonce"] and query["code_challenge"]
    assert response.status_code == 302
    assert response["Location"] == "/"
    person = _signed_in(client)
    assert person is not None
    assert person.username == "claire"
    assert person.email == "claire.durand@example.com"
    assert person.display_name == "Claire Durand"
    assert person.department == "Research"
    assert person.site == "Grenoble"
    assert not person.has_usable_password()
    assert AuditEvent.objects.filter(action="sso.person_created", target="claire").exists()


def test_a_verified_email_links_the_existing_account(oidc, db):
    camille = PersonFactory(username="camille", email="Camille.Martin@example.com")
    count = User.objects.count()
    client = Client()
    _sign_in(client, "camille.sso")
    assert _signed_in(client) == camille
    assert User.objects.count() == count


def test_an_unverified_email_is_refused_and_audited(oidc, db):
    client = Client()
    _authorize, response = _sign_in(client, "eve.unverified")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert _signed_in(client) is None
    assert not User.objects.filter(email="eve@example.com").exists()
    assert _refusals("email_unverified") == 1
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "did not confirm your email address" in page


def test_an_email_domain_not_allowed_is_refused(oidc, db, settings):
    settings.RUCHER_OIDC_ALLOWED_DOMAINS = "example.com, example.org"
    client = Client()
    _sign_in(client, "mallory.outside")
    assert _signed_in(client) is None
    assert not User.objects.filter(email="mallory@elsewhere.test").exists()
    assert _refusals("domain_not_allowed") == 1
    # The allowed domain still signs in.
    _sign_in(Client(), "claire.sso")
    assert User.objects.filter(email="claire.durand@example.com").exists()


def test_a_forged_state_is_refused(oidc, db):
    client = Client()
    _authorize, response = _sign_in(client, "claire.sso", tamper_state=True)
    assert response.status_code == 302
    assert _signed_in(client) is None
    assert not User.objects.filter(email="claire.durand@example.com").exists()
    assert _refusals("invalid_state") == 1


def test_a_callback_without_a_started_sign_in_is_refused(oidc, db):
    client = Client()
    response = client.get("/oidc/callback/?code=abc&state=xyz")
    assert response.status_code == 302
    assert _signed_in(client) is None
    assert _refusals("invalid_state") == 1


def _forged(provider, **claims):
    """An ID token signed with the provider's real key (as a compromised or confused provider
    would send): only our issuer, audience, nonce and expiry checks stand in the way."""
    kid = requests.get(f"{provider.issuer}/.well-known/jwks.json", timeout=10).json()["keys"][0][
        "kid"
    ]
    now = int(time.time())
    payload = {
        "iss": provider.issuer,
        "aud": "rucher",
        "sub": "1",
        "nonce": "n0nce",
        "iat": now,
        "exp": now + 300,
        **claims,
    }
    return jwt.encode(payload, provider.private_key_pem, algorithm="RS256", headers={"kid": kid})


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "http://evil.example/o"},
        {"aud": "another-client"},
        {"nonce": "replayed"},
        {"exp": int(time.time()) - 60},
    ],
    ids=["issuer", "audience", "nonce", "expired"],
)
def test_a_token_for_someone_else_is_refused(oidc, db, claims):
    backend = OIDCBackend()
    # What authenticate() does before the exchange: load the endpoints (discovery).
    super(OIDCBackend, backend).__init__()
    backend.request = RequestFactory().get("/oidc/callback/")
    # The genuine token passes…
    assert backend.verify_token(_forged(oidc), nonce="n0nce")["aud"] == "rucher"
    # …the altered one does not.
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(_forged(oidc, **claims), nonce="n0nce")
    assert _refusals("invalid_token") == 1


def test_local_passwords_can_be_turned_off_except_for_break_glass_admins(
    oidc, db, settings, password
):
    settings.RUCHER_LOCAL_LOGIN = False
    member = PersonFactory(username="paul")
    admin = PersonFactory(username="root", is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/accounts/login/").content.decode()
    assert "emergency access" in page
    response = client.post("/accounts/login/", {"username": member.username, "password": password})
    assert response.status_code != 302
    assert _signed_in(client) is None
    response = client.post("/accounts/login/", {"username": admin.username, "password": password})
    assert response.status_code == 302
    assert _signed_in(client) == admin
    # A named list narrows the break-glass accounts.
    settings.RUCHER_BREAK_GLASS_ADMINS = "someone-else"
    other = Client()
    other.post("/accounts/login/", {"username": admin.username, "password": password})
    assert _signed_in(other) is None


def test_without_configuration_the_sso_urls_do_not_exist(db, settings):
    settings.RUCHER_OIDC_ISSUER = ""
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/?code=a&state=b").status_code == 404
