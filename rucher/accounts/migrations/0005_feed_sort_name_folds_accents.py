"""People's sort_name folds accents as well as case (core.text.fold_name): typing « helene »
finds Hélène. Recomputes it for everyone, in batches."""

import unicodedata

from django.db import migrations


def _fold(value: str) -> str:
    # core.text.fold_name as of this migration (a migration does not follow later changes).
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def fold_sort_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    batch = []
    for person in User.objects.only("id", "display_name", "sort_name").iterator(chunk_size=2000):
        folded = _fold(person.display_name)[:150]
        if folded != person.sort_name:
            person.sort_name = folded
            batch.append(person)
        if len(batch) >= 1000:
            User.objects.bulk_update(batch, ["sort_name"])
            batch = []
    if batch:
        User.objects.bulk_update(batch, ["sort_name"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_integrations_bots_tokens_sources")]

    operations = [migrations.RunPython(fold_sort_names, migrations.RunPython.noop)]
