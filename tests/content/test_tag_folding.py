"""Tags fold accents and case into one slug (issue 14, item 8): `qualité`, `Qualite` and
`QUALITÉ` are one tag, shown as it was first typed; existing tags are merged by a migration."""

import importlib

import pytest
from django.apps import apps

from rucher.accounts.models import DeclaredSkill
from rucher.actions import posts as post_actions
from rucher.content import services
from rucher.content.models import Post, Tag
from rucher.core.text import normalise_tag
from rucher.recognition.models import ReputationEvent, SkillReputation

pytestmark = pytest.mark.django_db


def test_accents_and_case_fold_into_one_slug():
    assert normalise_tag("#Qualité") == normalise_tag("qualite") == normalise_tag("QUALITÉ")
    assert normalise_tag("Été / Hiver") == "ete-hiver"
    assert normalise_tag("Ça-va") == "ca-va"
    # Letters with no decomposition stay (they are letters of their own, not marked ones).
    assert normalise_tag("Ørsted") == "ørsted"


def test_posts_tagged_with_either_spelling_share_one_tag_named_as_first_typed(world, client_for):
    member = world.people["member"]
    club = world.communities["open"]
    first = post_actions.post_publish(
        author=member, communities=[club], title="Audit", body="Le plan #Qualité de l’année"
    )
    second = post_actions.post_publish(
        author=member, communities=[club], title="Suivi", body="b", tags=["qualite"]
    )
    third = post_actions.post_publish(
        author=member, communities=[club], title="Bilan", body="b", tags=["QUALITÉ"]
    )
    assert Tag.objects.filter(slug="qualite").count() == 1
    tag = Tag.objects.get(slug="qualite")
    assert tag.name == "Qualité"
    for post in (first, second, third):
        assert list(post.tags.values_list("slug", flat=True)) == ["qualite"]

    client = client_for(member)
    for spelling in ("qualité", "qualite", "QUALITÉ"):
        page = client.get(f"/tags/{spelling}/")
        assert page.status_code == 200, spelling
        body = page.content.decode()
        assert "#Qualité" in body
        for title in ("Audit", "Suivi", "Bilan"):
            assert title in body
    assert "#Qualité</a>" in client.get(f"/posts/{second.pk}/").content.decode()


def test_a_field_tag_keeps_the_spelling_typed_and_editing_keeps_one_tag(world):
    member = world.people["member"]
    post = post_actions.post_publish(
        author=member,
        communities=[world.communities["open"]],
        title="RGPD",
        body="b",
        tags=["Sécurité", "securite"],
    )
    assert list(post.tags.values_list("name", "slug")) == [("Sécurité", "securite")]
    services.post_update(editor=member, post=post, body="Mise à jour #SECURITE")
    assert list(post.tags.values_list("name", "slug")) == [("Sécurité", "securite")]


def test_the_migration_merges_tags_that_fold_into_one(world):
    migration = importlib.import_module("rucher.content.migrations.0005_tags_fold_accents")
    member, owner = world.people["member"], world.people["owner"]
    accented = Tag.objects.create(name="Qualité", slug="qualité")
    plain = Tag.objects.create(name="qualite", slug="qualite")
    upper = Tag.objects.create(name="Été", slug="été")
    club = world.communities["open"]
    post = services.post_create(author=member, communities=[club], title="t", body="b")
    other = services.post_create(author=member, communities=[club], title="u", body="b")
    post.tags.set([accented, plain, upper])
    other.tags.set([accented])
    for tag in (accented, plain):  # the same like counted under both spellings
        ReputationEvent.objects.create(
            person=member, tag=tag, points=1, reason="like_post", post=post, liker=owner
        )
    ReputationEvent.objects.create(
        person=member, tag=accented, points=1, reason="like_post", post=other, liker=owner
    )
    SkillReputation.objects.create(person=member, tag=accented, reputation=2)
    SkillReputation.objects.create(person=member, tag=plain, reputation=1)
    DeclaredSkill.objects.create(person=member, name="Qualité", slug="qualité", position=0)
    DeclaredSkill.objects.create(person=member, name="qualite", slug="qualite", position=1)

    for _run in range(2):  # idempotent
        migration.tags_fold_accents(apps, None)

    assert not Tag.objects.filter(pk=accented.pk).exists()
    merged = Tag.objects.get(slug="qualite")
    assert merged.pk == plain.pk
    assert merged.name == "Qualité"  # the first spelling
    assert Tag.objects.get(pk=upper.pk).slug == "ete"
    assert Tag.objects.get(pk=upper.pk).name == "Été"
    assert sorted(post.tags.values_list("slug", flat=True)) == ["ete", "qualite"]
    assert list(Post.objects.get(pk=other.pk).tags.values_list("slug", flat=True)) == ["qualite"]
    assert ReputationEvent.objects.filter(person=member, tag=merged).count() == 2
    assert SkillReputation.objects.get(person=member, tag=merged).reputation == 2
    assert list(DeclaredSkill.objects.filter(person=member).values_list("name", "slug")) == [
        ("Qualité", "qualite")
    ]
