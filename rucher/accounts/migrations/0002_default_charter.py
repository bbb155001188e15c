from django.db import migrations


def publish_default_charter(apps, schema_editor):
    from rucher.accounts.charter_default import CHARTER_EN, CHARTER_FR

    Charter = apps.get_model("accounts", "Charter")
    if not Charter.objects.exists():
        Charter.objects.create(version=1, text_fr=CHARTER_FR, text_en=CHARTER_EN)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(publish_default_charter, migrations.RunPython.noop)]
