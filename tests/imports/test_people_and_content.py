"""People from CSV and communities/posts from JSON: idempotent, rejected rows reported."""

import io
import json

import pytest

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.models import Comment, Post
from rucher.imports.readers import ImportRejected
from rucher.imports.runs import import_file

pytestmark = pytest.mark.django_db

PEOPLE = (
    "username;email;first_name;last_name;department;site;job_title;manager\n"
    "amelie;amelie@example.org;Amélie;Lefèvre;RH;Lyon;DRH;\n"
    "bruno;bruno@example.org;Bruno;Garçon;Ventes;Paris;Commercial;amelie\n"
    "bruno;bruno2@example.org;Bruno;Bis;Ventes;Paris;;\n"
    "chloe;not-an-email;Chloé;Petit;IT;Nantes;;\n"
    "david;david@example.org;David;Roux;IT;Nantes;;nobody\n"
).encode("cp1252")


def test_people_are_imported_once_with_their_managers(admin_user):
    report = import_file("people_csv", io.BytesIO(PEOPLE), actor=admin_user).as_dict()
    assert report["created"] == {"people": 3}
    rows = {r["row"]: r["reason"] for r in report["rejected"]}
    assert set(rows) == {4, 5, 6}
    assert "bruno" in rows[4]
    assert "email" in rows[5]
    assert "nobody" in rows[6]
    bruno = User.objects.get(username="bruno")
    assert bruno.display_name == "Bruno Garçon"
    assert bruno.manager.username == "amelie"
    again = import_file("people_csv", io.BytesIO(PEOPLE), actor=admin_user).as_dict()
    assert again["created"] == {}
    assert again["skipped"]["people"] == 3
    assert User.objects.count() == 4


def test_a_people_dry_run_writes_nothing(admin_user):
    report = import_file("people_csv", io.BytesIO(PEOPLE), actor=admin_user, dry_run=True)
    assert report.as_dict()["created"] == {"people": 3}
    assert User.objects.count() == 1


def test_a_people_file_without_the_columns_is_refused(admin_user):
    with pytest.raises(ImportRejected) as error:
        import_file("people_csv", io.BytesIO(b"name,mail\nx,y\n"), actor=admin_user)
    assert error.value.code == "missing_columns"


CONTENT = {
    "communities": [
        {
            "id": "c1",
            "name": "Qualité",
            "visibility": "open",
            "posts": [
                {
                    "id": "p1",
                    "author": "alice",
                    "title": "Bienvenue",
                    "body": "Premier message",
                    "created_at": "2020-01-02T10:00:00Z",
                    "comments": [
                        {
                            "id": "k1",
                            "author": "ghost",
                            "body": "Merci",
                            "created_at": "2020-01-03T10:00:00Z",
                        },
                        {"id": "k2", "body": "", "created_at": "2020-01-03T10:00:00Z"},
                    ],
                },
                {"id": "p2", "body": "no date"},
            ],
        },
        {"name": "No id"},
    ]
}


def test_content_json_is_imported_once(admin_user):
    data = json.dumps(CONTENT).encode()
    report = import_file("content_json", io.BytesIO(data), actor=admin_user).as_dict()
    assert report["created"] == {"communities": 1, "posts": 1, "comments": 1}
    assert report["rejected_count"] == 3
    post = Post.objects.get()
    assert post.created_at.year == 2020
    assert post.author == admin_user
    assert post.comment_count == 1
    assert Comment.objects.get().author is None  # unknown author: "former member"
    communities = Community.objects.count()
    again = import_file("content_json", io.BytesIO(data), actor=admin_user).as_dict()
    assert again["created"] == {}
    assert Community.objects.filter(name="Qualité").count() == 1
    assert (Community.objects.count(), Post.objects.count(), Comment.objects.count()) == (
        communities,
        1,
        1,
    )


def test_content_that_is_not_json_is_refused(admin_user):
    with pytest.raises(ImportRejected) as error:
        import_file("content_json", io.BytesIO(b"{nope"), actor=admin_user)
    assert error.value.code == "bad_json"
