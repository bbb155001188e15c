"""Access ends at once for a departed person, whatever session they still hold."""

from django.test import Client


def test_it_signs_out_a_deactivated_person_at_once(member, password):
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": "bob", "password": password}).status_code
        == 302
    )
    assert client.get("/").status_code == 200
    member.is_active = False
    member.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert client.get("/people/carol/").status_code == 302
    assert client.get("/settings/").status_code == 302


def test_it_refuses_a_deactivated_person_on_post(member_client, member, colleague):
    member.is_active = False
    member.save(update_fields=["is_active"])
    response = member_client.post("/people/carol/follow")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    colleague.refresh_from_db()
    assert colleague.follower_count == 0
