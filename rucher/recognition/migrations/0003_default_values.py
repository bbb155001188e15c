"""The organisation's default values for public thanks (F-RECOGNITION), created only when none
exist (names are the organisation's data, not translated: administrators rename them), and a
thanks may have no value when the organisation has none active."""

import django.db.models.deletion
from django.db import migrations, models

DEFAULT_VALUES = [
    ("Entraide", "Aider un collègue, partager ce que l'on sait."),
    ("Audace", "Oser proposer, essayer, changer les habitudes."),
    ("Exigence", "Le travail bien fait, jusqu'au bout."),
    ("Bienveillance", "L'attention aux autres, l'écoute, le respect."),
]


def create_default_values(apps, schema_editor):
    OrganisationValue = apps.get_model("recognition", "OrganisationValue")
    if OrganisationValue.objects.exists():
        return
    OrganisationValue.objects.bulk_create(
        OrganisationValue(name=name, description=description, position=index)
        for index, (name, description) in enumerate(DEFAULT_VALUES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0002_points_badges_leaderboards_kudos"),
    ]

    operations = [
        migrations.AlterField(
            model_name="kudos",
            name="value",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="kudos",
                to="recognition.organisationvalue",
            ),
        ),
        migrations.RunPython(create_default_values, migrations.RunPython.noop),
    ]
