"""LDAP sign-in against a real slapd: attributes mapped, administrators from a group,
communities from groups (at login and nightly), people removed from the directory
deactivated (their content stays), and a directory that is down."""

import ldap
import pytest
from django.test import Client

from rucher.accounts.models import User
from rucher.actions.sso import directory_sync
from rucher.communities import services as community_services
from rucher.communities.models import Membership
from rucher.content.models import Post
from rucher.core.factories import PersonFactory
from tests.notifications.posts import make_post


def _login(username: str, password: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"username": username, "password": password})
    client.last_response = response  # type: ignore[attr-defined]
    return client


def _me(client: Client) -> User | None:
    response = client.get("/api/v1/me")
    if response.status_code != 200:
        return None
    return User.objects.get(username=response.json()["username"])


@pytest.fixture
def developers(db):
    owner = PersonFactory(username="owner")
    return community_services.community_create(
        creator=owner, name="Developers", slug="developers", kind="interest", visibility="private"
    )


def _directory(ldap_settings):
    connection = ldap.initialize(ldap_settings.uri)
    connection.simple_bind_s(ldap_settings.root_dn, ldap_settings.root_password)
    return connection


def test_a_directory_sign_in_creates_the_person_with_its_attributes(ldap_settings, developers):
    client = _login("alice.ldap", "alice-pass")
    person = _me(client)
    assert person is not None
    assert person.username == "alice.ldap"
    assert person.display_name == "Alice Laurent"
    assert person.email == "alice.laurent@example.org"
    assert (person.department, person.site, person.job_title) == ("Finance", "Lyon", "Controller")
    assert person.auth_source == "ldap"
    assert not person.has_usable_password()
    assert not person.is_staff
    # The developers group makes a member of the private community, without a request.
    membership = Membership.objects.get(community=developers, person=person)
    assert membership.status == Membership.Status.MEMBER
    developers.refresh_from_db()
    assert developers.member_count == 2


def test_the_administrators_group_makes_administrators(ldap_settings, db):
    person = _me(_login("bruno.ldap", "bruno-pass"))
    assert person is not None
    assert person.is_staff and person.is_superuser


def test_a_wrong_password_is_refused(ldap_settings, db):
    client = _login("alice.ldap", "wrong")
    assert _me(client) is None
    assert client.last_response.status_code == 400
    assert not User.objects.filter(username="alice.ldap").exists()


def test_leaving_the_group_leaves_the_community_at_the_next_sign_in(ldap_settings, developers):
    _login("chloe.ldap", "chloe-pass")
    chloe = User.objects.get(username="chloe.ldap")
    assert Membership.objects.filter(community=developers, person=chloe).exists()
    connection = _directory(ldap_settings)
    group = f"cn=developers,ou=groups,{ldap_settings.base}"
    member = f"uid=chloe.ldap,ou=people,{ldap_settings.base}"
    connection.modify_s(group, [(ldap.MOD_DELETE, "member", [member.encode()])])
    try:
        _login("chloe.ldap", "chloe-pass")
        assert not Membership.objects.filter(community=developers, person=chloe).exists()
    finally:
        connection.modify_s(group, [(ldap.MOD_ADD, "member", [member.encode()])])


def test_the_nightly_sync_deactivates_people_removed_from_the_directory(ldap_settings, developers):
    connection = _directory(ldap_settings)
    dn = f"uid=dan.ldap,ou=people,{ldap_settings.base}"
    connection.add_s(
        dn,
        [
            ("objectClass", [b"inetOrgPerson"]),
            ("uid", [b"dan.ldap"]),
            ("cn", [b"Dan Leaving"]),
            ("sn", [b"Leaving"]),
            ("mail", [b"dan@example.org"]),
            ("userPassword", [b"dan-pass"]),
        ],
    )
    _login("dan.ldap", "dan-pass")
    _login("alice.ldap", "alice-pass")
    dan = User.objects.get(username="dan.ldap")
    post = make_post(dan, [developers])
    connection.delete_s(dn)
    counts = directory_sync()
    assert counts["deactivated"] == 1
    assert counts["updated"] >= 1
    dan.refresh_from_db()
    assert not dan.is_active
    assert User.objects.get(username="alice.ldap").is_active
    assert Post.objects.filter(pk=post.pk, author=dan).exists()  # the content stays


def test_a_directory_that_is_down_blocks_nobody_local_and_deactivates_nobody(
    ldap_settings, db, settings, password
):
    _login("alice.ldap", "alice-pass")
    settings.AUTH_LDAP_SERVER_URI = "ldap://127.0.0.1:1"
    admin = PersonFactory(username="root", is_staff=True, is_superuser=True)
    # The local administrator still signs in.
    assert _me(_login(admin.username, password)) == admin
    # Others are told the directory is down, not that their password is wrong.
    client = _login("alice.ldap", "alice-pass")
    assert _me(client) is None
    assert "directory cannot be reached" in client.last_response.content.decode()
    # And the nightly sync does nothing rather than deactivate everyone.
    assert directory_sync()["skipped"] == -1
    assert User.objects.get(username="alice.ldap").is_active
