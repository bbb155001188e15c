"""Existing tags (and declared skills) to the spelling `normalise_tag` now gives: a slash or a
backslash separates words like a space, and a tag of dots only has no spelling (issue 13, item 8:
a tag with "/" made every page linking to it answer 500).

A tag whose new spelling is already taken is merged into the existing one: its posts, reputation
events (one per like or acceptance and tag, duplicates dropped), earned-skill totals (recounted
from the events) and badges move over; then it is deleted. A tag left with no spelling becomes
"tag-<id>". Idempotent: a second run finds nothing to do.
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Sum


def _normalised(value):
    # Frozen copy of rucher.core.text.normalise_tag as of this migration.
    tag = value.strip().lstrip("#").strip().lower().replace("/", " ").replace("\\", " ")
    tag = "-".join(tag.split())
    return "" if not tag.strip(".") else tag


def _merge(apps, old, target):
    Post = apps.get_model("content", "Post")
    ReputationEvent = apps.get_model("recognition", "ReputationEvent")
    SkillReputation = apps.get_model("recognition", "SkillReputation")
    BadgeAward = apps.get_model("recognition", "BadgeAward")
    Through = Post.tags.through

    tagged = set(Through.objects.filter(tag_id=target.pk).values_list("post_id", flat=True))
    Through.objects.filter(tag_id=old.pk, post_id__in=tagged).delete()
    Through.objects.filter(tag_id=old.pk).update(tag_id=target.pk)

    def key(event):
        return (event.reason, event.person_id, event.post_id, event.comment_id, event.liker_id)

    held = {key(e) for e in ReputationEvent.objects.filter(tag_id=target.pk)}
    people = set()
    for event in ReputationEvent.objects.filter(tag_id=old.pk):
        people.add(event.person_id)
        if key(event) in held:
            event.delete()
        else:
            held.add(key(event))
            event.tag_id = target.pk
            event.save(update_fields=["tag"])
    people |= set(SkillReputation.objects.filter(tag_id=old.pk).values_list("person_id", flat=True))
    SkillReputation.objects.filter(tag_id=old.pk).delete()
    totals = defaultdict(int)
    rows = (
        ReputationEvent.objects.filter(tag_id=target.pk, person_id__in=people)
        .values("person_id")
        .annotate(total=Sum("points"))
    )
    for row in rows:
        totals[row["person_id"]] = row["total"]
    for person_id in sorted(people):
        SkillReputation.objects.update_or_create(
            person_id=person_id, tag_id=target.pk, defaults={"reputation": totals[person_id]}
        )

    for award in BadgeAward.objects.filter(tag_id=old.pk):
        if BadgeAward.objects.filter(
            person_id=award.person_id, badge=award.badge, tag_id=target.pk
        ).exists():
            award.delete()
        else:
            award.tag_id = target.pk
            award.save(update_fields=["tag"])
    old.delete()


def tags_fit_in_urls(apps, schema_editor):
    Tag = apps.get_model("content", "Tag")
    for tag in list(Tag.objects.order_by("pk")):
        slug = _normalised(tag.slug) or f"tag-{tag.pk}"
        if slug == tag.slug:
            continue
        target = Tag.objects.filter(slug=slug).exclude(pk=tag.pk).first()
        if target is None:
            if tag.name == tag.slug or not _normalised(tag.name):
                tag.name = slug
            tag.slug = slug
            tag.save(update_fields=["slug", "name"])
        else:
            _merge(apps, tag, target)

    DeclaredSkill = apps.get_model("accounts", "DeclaredSkill")
    for skill in list(DeclaredSkill.objects.order_by("pk")):
        slug = _normalised(skill.slug)
        if slug == skill.slug:
            continue
        if not slug or DeclaredSkill.objects.filter(person_id=skill.person_id, slug=slug).exists():
            skill.delete()
        else:
            skill.slug = slug
            skill.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_ranking_exclusion_indexes"),
        ("content", "0003_curated_placement_indexes"),
        ("recognition", "0006_reputation_by_tag"),
    ]

    operations = [migrations.RunPython(tags_fit_in_urls, migrations.RunPython.noop)]
