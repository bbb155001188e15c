"""Existing tags (and declared skills) to the slug `normalise_tag` now gives: case and accents
folded, so `qualité` and `qualite` are one tag (issue 14, item 8).

Tags that fold to one slug are merged into one, named as the oldest of them was (its first spelling,
e.g. "qualité"): posts, reputation events, earned-skill totals and badges move
over with content/0004's merge. A person's declared skills that fold to one are kept once.
Idempotent: a second run finds nothing to do.
"""

import importlib
import unicodedata

from django.db import migrations

# content/0004 already merges one tag into another; a migration module cannot be imported by name
# (it starts with a digit), hence importlib.
_merge = importlib.import_module("rucher.content.migrations.0004_tags_fit_in_urls")._merge


def _folded(slug):
    # Frozen copy of the folding rucher.core.text.normalise_tag adds, as of this migration.
    decomposed = unicodedata.normalize("NFKD", slug)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept).casefold()


def tags_fold_accents(apps, schema_editor):
    Tag = apps.get_model("content", "Tag")
    groups = {}
    for tag in Tag.objects.order_by("pk"):
        groups.setdefault(_folded(tag.slug), []).append(tag)
    for slug, tags in groups.items():
        # The tag already holding the folded slug keeps it; otherwise the oldest takes it.
        target = next((t for t in tags if t.slug == slug), tags[0])
        for tag in tags:
            if tag.pk != target.pk:
                _merge(apps, tag, target)
        # Shown as it was first typed: the oldest tag's name.
        if (target.slug, target.name) != (slug, tags[0].name):
            target.slug, target.name = slug, tags[0].name
            target.save(update_fields=["slug", "name"])

    DeclaredSkill = apps.get_model("accounts", "DeclaredSkill")
    for skill in list(DeclaredSkill.objects.order_by("person_id", "position", "pk")):
        slug = _folded(skill.slug)
        if slug == skill.slug:
            continue
        # The skill the person listed first stays, under the folded slug.
        DeclaredSkill.objects.filter(person_id=skill.person_id, slug=slug).delete()
        skill.slug = slug
        skill.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("content", "0004_tags_fit_in_urls")]

    operations = [migrations.RunPython(tags_fold_accents, migrations.RunPython.noop)]
