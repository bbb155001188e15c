from django.db import migrations

WELCOME_DESCRIPTION = """\
**Bienvenue sur Rucher !** Cette communauté accueille les nouveaux arrivants : présentez-vous,
posez vos premières questions, découvrez les communautés qui vous ressemblent.

---

**Welcome to Rucher!** This community welcomes newcomers: introduce yourself, ask your first
questions and find the communities that suit you.
"""

WELCOME_OBJECTIVES = """\
Que chaque nouvel arrivant soit accueilli et trouve ses premières communautés.
— Every newcomer is welcomed and finds their first communities.
"""

SUPPORT_DESCRIPTION = """\
**Support / SAV** : besoin d'aide avec le réseau ? Posez votre question ici, les ambassadeurs et
les administrateurs vous répondent.

---

**Support / SAV** (help desk): need help with the network? Ask here; the ambassadors and the
administrators answer.
"""

SUPPORT_OBJECTIVES = """\
Répondre à chaque question sur l'usage du réseau.
— Answer every question about using the network.
"""


def create_default_communities(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    defaults = [
        {
            "default_role": "welcome",
            "slug": "bienvenue",
            "name": "Bienvenue",
            "kind": "process",
            "description": WELCOME_DESCRIPTION,
            "objectives": WELCOME_OBJECTIVES,
            "answer_promise_hours": 24,
        },
        {
            "default_role": "help",
            "slug": "support",
            "name": "Support / SAV",
            "kind": "practice",
            "description": SUPPORT_DESCRIPTION,
            "objectives": SUPPORT_OBJECTIVES,
            "answer_promise_hours": 8,
        },
    ]
    for fields in defaults:
        if Community.objects.filter(default_role=fields["default_role"]).exists():
            continue
        if Community.objects.filter(slug=fields["slug"]).exists():
            continue
        # Historical models skip Community.save(): set the sort key by hand.
        Community.objects.create(
            visibility="open", sort_name=fields["name"].casefold(), **fields
        )


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    operations = [migrations.RunPython(create_default_communities, migrations.RunPython.noop)]
