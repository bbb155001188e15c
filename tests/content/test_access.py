"""Access matrix on the web: open / private / secret × every position, for the stream, a post
and its attachment. Outsiders get the same 404 as for a missing object; leaving revokes."""

import pytest

from rucher.communities import services as community_services
from rucher.content import attachments as uploads
from rucher.core.testing import page_without_tokens
from tests.communities.personas import POSITIONS, VISIBILITIES

pytestmark = pytest.mark.django_db

INSIDERS = {"member", "ambassador", "manager", "owner", "administrator"}


def readable(visibility, position):
    if position == "anonymous":
        return False
    # A person a manager removed reads nothing of the community, even an open one (a ban).
    return position in INSIDERS or (visibility == "open" and position != "removed")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_the_stream_follows_the_matrix(content, client_for, visibility, position):
    community = content.world.communities[visibility]
    response = client_for(content.world.people.get(position)).get(f"/c/{community.slug}/")
    if position == "anonymous":
        assert response.status_code == 302
        return
    if visibility == "secret" and position not in INSIDERS:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert (f"Hello {visibility} world" in body) is readable(visibility, position)
    # Only members see the form to post.
    assert ('name="communities"' in body) is (position in INSIDERS - {"administrator"})


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_a_post_follows_the_matrix(content, client_for, visibility, position):
    post = content.posts[visibility]
    client = client_for(content.world.people.get(position))
    response = client.get(f"/posts/{post.pk}/")
    if position == "anonymous":
        assert response.status_code == 302
    elif readable(visibility, position):
        assert response.status_code == 200
        body = response.content.decode()
        assert f"Hello {visibility} world" in body
        assert f"first comment in {visibility}" in body
    else:
        assert response.status_code == 404
        missing = client.get("/posts/999999/")
        assert missing.status_code == 404
        assert page_without_tokens(response.content) == page_without_tokens(missing.content)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_an_attachment_follows_the_matrix(content, client_for, visibility, position):
    attachment = content.attachments[visibility]
    client = client_for(content.world.people.get(position))
    response = client.get(f"/attachments/{attachment.pk}/{attachment.name}")
    if position == "anonymous":
        assert response.status_code == 302
    elif readable(visibility, position):
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline")
        assert "private" in response["Cache-Control"]
    else:
        assert response.status_code == 404
        missing = client.get("/attachments/999999/x.png")
        assert page_without_tokens(response.content) == page_without_tokens(missing.content)


@pytest.mark.parametrize("visibility", ["private", "secret"])
def test_leaving_revokes_at_once(content, client_for, visibility):
    member = content.world.people["member"]
    community = content.world.communities[visibility]
    client = client_for(member)
    post = content.posts[visibility]
    attachment = content.attachments[visibility]
    assert client.get(f"/posts/{post.pk}/").status_code == 200
    community_services.community_leave(person=member, community=community)
    assert client.get(f"/posts/{post.pk}/").status_code == 404
    assert client.get(f"/attachments/{attachment.pk}/{attachment.name}").status_code == 404
    assert "Hello" not in client.get(f"/c/{community.slug}/").content.decode()


def test_an_unattached_upload_is_only_for_its_uploader(content, client_for):
    from tests.content.conftest import png_bytes, upload

    member = content.world.people["member"]
    attachment = uploads.attachment_upload(uploader=member, file=upload("draft.png", png_bytes()))
    url = f"/attachments/{attachment.pk}/{attachment.name}"
    assert client_for(member).get(url).status_code == 200
    assert client_for(content.world.people["owner"]).get(url).status_code == 404
    assert client_for(content.world.people["administrator"]).get(url).status_code == 404


def test_a_wrong_file_name_is_404(content, client_for):
    attachment = content.attachments["open"]
    client = client_for(content.world.people["member"])
    assert client.get(f"/attachments/{attachment.pk}/other.png").status_code == 404


def test_a_hidden_post_is_only_for_moderators(content, client_for):
    from django.utils import timezone

    post = content.posts["open"]
    post.hidden_at = timezone.now()
    post.save(update_fields=["hidden_at"])
    people = content.world.people
    assert client_for(people["member"]).get(f"/posts/{post.pk}/").status_code == 404
    assert client_for(people["manager"]).get(f"/posts/{post.pk}/").status_code == 200
    stream_url = f"/c/{content.world.communities['open'].slug}/"
    assert "Hello open world" not in client_for(people["member"]).get(stream_url).content.decode()
    assert "Hello open world" in client_for(people["manager"]).get(stream_url).content.decode()


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_readers_among_follows_the_matrix(content, visibility):
    """The fan-out's filter (mentions, replies, likes) is the readability rule: a person a
    manager removed from an open community is not among its readers either."""
    from rucher.content.access import first_readable_communities, readers_among

    people = content.world.people
    everyone = {position: person.pk for position, person in people.items()}
    readers = set(readers_among(content.posts[visibility], everyone.values()))
    expected = {pk for position, pk in everyone.items() if readable(visibility, position)}
    assert readers == expected
    # The same rule on loaded rows (what notifications name), with the community read through.
    firsts = first_readable_communities(content.posts[visibility], everyone.values())
    assert set(firsts) == expected
    assert set(firsts.values()) <= {content.world.communities[visibility].pk}


@pytest.mark.parametrize("hidden", [False, True])
def test_access_post_without_its_author_follows_the_same_rule(content, hidden):
    """`with_author=False` runs a query compiled once per shape of scope (rucher.core.prepared):
    the same readable posts, the same columns, for every position, hidden posts included."""
    from django.http import Http404
    from django.utils import timezone

    from rucher.content.access import access_post
    from rucher.content.models import Post
    from rucher.core.memo import request_memo

    if hidden:
        Post.objects.filter(pk__in=[p.pk for p in content.posts.values()]).update(
            hidden_at=timezone.now()
        )
    fields = [field.attname for field in Post._meta.concrete_fields]
    for person in content.world.people.values():
        for post in content.posts.values():
            answers = []
            for with_author in (True, False):
                with request_memo():
                    try:
                        found = access_post(person, post.pk, with_author=with_author)
                    except Http404:
                        answers.append(None)
                    else:
                        answers.append([getattr(found, name) for name in fields])
            assert answers[0] == answers[1], (person.username, post.pk)
