"""The Yammer export import: the realistic fixture twice (nothing new the second time), what
is skipped and rejected with line numbers, encodings and delimiters, unsafe archives, dry runs,
no points and no notifications."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import models

from rucher.accounts.models import User
from rucher.communities.models import Community, Membership
from rucher.content.models import Attachment, Comment, Post
from rucher.imports.readers import ImportRejected
from rucher.imports.yammer import import_yammer
from rucher.notifications.models import Notification
from rucher.recognition.models import PointsEntry

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent.parent / "fixtures" / "yammer_export.zip"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _zip(files: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def test_the_fixture_imports_once_and_twice_creates_nothing(admin_user):
    progress = []
    report = import_yammer(
        str(FIXTURE), actor=admin_user, progress=lambda d, t: progress.append((d, t))
    )
    data = report.as_dict()
    assert data["created"]["people"] == 20
    assert data["created"]["communities"] == 7  # 6 live groups + All Company
    assert data["created"]["posts"] > 50
    assert data["created"]["comments"] > 50
    assert data["created"]["files"] >= 1
    assert data["skipped"]["private messages"] > 0
    assert data["skipped"]["deleted messages"] > 0
    assert data["skipped"]["deleted communities"] == 1
    # Replies to threads older than the export are rejected, each with its line.
    assert data["rejected"]
    assert all(r["file"] == "Messages.csv" and r["row"] > 1 for r in data["rejected"])
    assert progress[-1][0] == progress[-1][1] > 300

    def counts():
        models = (User, Community, Post, Comment)
        return tuple(model.objects.count() for model in models)

    before = counts()
    # Original dates and authors are kept; the deleted group is not a community.
    post = Post.objects.order_by("created_at").first()
    assert post.created_at.year == 2019
    assert post.author is not None
    assert not Community.objects.filter(name="Ancien groupe").exists()
    private = Community.objects.get(name="Comité de direction")
    assert private.visibility == "private"
    # Authors became members; counters agree with the rows.
    for community in Community.objects.all():
        assert (
            community.member_count
            == Membership.objects.filter(community=community, status="member").count()
        )
    for p in Post.objects.all():
        assert p.comment_count == p.comments.count()
    # Replies to replies hang under their top-level comment (one level only).
    replies = Comment.objects.filter(parent__isnull=False)
    assert replies.exists()
    assert not replies.filter(parent__parent__isnull=False).exists()
    assert not replies.exclude(parent__post=models.F("post")).exists()
    assert Attachment.objects.filter(post__isnull=False).exists()
    # Imported content earns no points and notifies nobody.
    assert not PointsEntry.objects.exists()
    assert not Notification.objects.exists()
    # Users that left Yammer are imported as inactive.
    assert User.objects.filter(is_active=False).count() == 1

    again = import_yammer(str(FIXTURE), actor=admin_user).as_dict()
    assert again["created"] == {}
    assert counts() == before


def test_a_dry_run_writes_nothing_and_reports_the_same(admin_user):
    report = import_yammer(str(FIXTURE), actor=admin_user, dry_run=True).as_dict()
    assert report["created"]["posts"] > 50
    assert Post.objects.count() == 0
    assert User.objects.count() == 1  # the administrator


USERS = b"id,name,email,state\n1,Ana,ana@example.org,active\n2,Ben,ben@example.org,active\n"
GROUPS = b"id,name,private,deleted\n10,Qualit\xc3\xa9,false,false\n"


def test_bad_rows_are_rejected_with_their_line_and_the_rest_imported(admin_user):
    messages = (
        b"id,replied_to_id,thread_id,group_id,sender_id,body,in_private_conversation,created_at,deleted_at,extra\n"
        b"100,,100,10,1,Bonjour,false,2019-03-04 10:11:12 UTC,,x\n"
        b"101,100,100,10,2,Salut,false,2019-03-04 11:11:12 UTC,,x\n"
        b"102,999,999,10,2,Orphan reply,false,2019-03-04 11:11:12 UTC,,x\n"
        b"103,,103,77,2,Unknown group,false,2019-03-04 11:11:12 UTC,,x\n"
        b"104,,104,10,2,Bad date,false,yesterday,,x\n"
        b"105,,105,,1,All company,false,2019-03-05 09:00:00 UTC,,x\n"
    )
    report = import_yammer(
        _zip({"Users.csv": USERS, "Groups.csv": GROUPS, "Messages.csv": messages}), actor=admin_user
    ).as_dict()
    assert report["created"] == {"people": 2, "communities": 2, "posts": 2, "comments": 1}
    rows = {r["row"]: r["reason"] for r in report["rejected"]}
    assert set(rows) == {4, 5, 6}
    assert "999" in rows[4]
    assert "77" in rows[5]
    assert "yesterday" in rows[6]
    assert Community.objects.filter(name="All Company").exists()
    assert Comment.objects.get().author.email == "ben@example.org"


def test_windows_1252_with_semicolons_is_read(admin_user):
    users = (
        "id;name;email;department\n1;Amélie Lefèvre;amelie@example.org;Ressources humaines\n"
    ).encode("cp1252")
    report = import_yammer(_zip({"Users.csv": users}), actor=admin_user).as_dict()
    assert report["created"] == {"people": 1}
    person = User.objects.get(email="amelie@example.org")
    assert person.display_name == "Amélie Lefèvre"
    assert person.department == "Ressources humaines"


def test_missing_columns_refuse_the_file(admin_user):
    with pytest.raises(ImportRejected) as error:
        import_yammer(_zip({"Users.csv": b"id,name\n1,Ana\n"}), actor=admin_user)
    assert error.value.code == "missing_columns"
    assert "email" in error.value.message
    assert User.objects.count() == 1


def test_broken_quoting_is_reported_not_a_crash(admin_user):
    users = (
        b'id,name,email\n1,Ana,ana@example.org\n2,"Ben,ben@example.org\n3,Cleo,cleo@example.org\n'
    )
    report = import_yammer(_zip({"Users.csv": users}), actor=admin_user).as_dict()
    assert report["created"] == {"people": 1}
    assert report["rejected"][0]["row"] == 3


@pytest.mark.parametrize("name", ["../evil.csv", "/etc/passwd", "a/../../b.csv"])
def test_an_archive_with_paths_outside_is_refused(admin_user, name):
    with pytest.raises(ImportRejected) as error:
        import_yammer(_zip({"Users.csv": USERS, name: b"x"}), actor=admin_user)
    assert error.value.code == "unsafe_zip"
    assert User.objects.count() == 1


def test_a_zip_bomb_is_refused_before_extraction(admin_user):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Users.csv", USERS)
        archive.writestr("Files/1.bin", b"\0" * (20 * 1024 * 1024))
    out.seek(0)
    with pytest.raises(ImportRejected) as error:
        import_yammer(out, actor=admin_user)
    assert error.value.code == "zip_bomb"


def test_a_file_that_is_not_a_zip_is_refused(admin_user):
    with pytest.raises(ImportRejected) as error:
        import_yammer(io.BytesIO(b"id,name\n"), actor=admin_user)
    assert error.value.code == "not_a_zip"


def test_the_command_shows_progress_and_the_report(admin_user, capsys):
    call_command("import", "yammer", str(FIXTURE), "--dry-run")
    out, err = capsys.readouterr()
    assert "Dry run" in out
    assert "posts:" in out
    assert "rows" in err
    assert Post.objects.count() == 0
