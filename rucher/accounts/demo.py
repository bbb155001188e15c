"""The demo organisation: about forty people of a French company, some profiles complete."""

import random

from django.db import transaction

from rucher.accounts import services
from rucher.accounts.charter_default import CHARTER_EN, CHARTER_FR
from rucher.accounts.models import User
from rucher.accounts.selectors import current_charter
from rucher.actions import people as people_actions

DEMO_PASSWORD = "rucher-demo"
ADMIN_USERNAME = "admin"

FIRST_NAMES = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Sarah",
    "Julie",
    "Emma",
    "Clara",
    "Anaïs",
    "Mathilde",
    "Pauline",
    "Élodie",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Claire",
    "Margaux",
    "Lucas",
    "Hugo",
    "Louis",
    "Thomas",
    "Nicolas",
    "Julien",
    "Antoine",
    "Maxime",
    "Pierre",
    "Mathieu",
    "Guillaume",
    "Romain",
    "Olivier",
    "Sébastien",
    "Karim",
    "Yanis",
    "Mehdi",
    "François",
    "Théo",
    "Baptiste",
    "Étienne",
    "Amadou",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
]
# The first FEMININE_NAMES first names are women's: each person's job title agrees with them
# (feminine, masculine), and so does the French text addressing them (grammatical_gender).
FEMININE_NAMES = 18
DEPARTMENTS = {
    "Direction des systèmes d'information": [
        ("Développeuse", "Développeur"),
        ("Architecte SI", "Architecte SI"),
        ("Cheffe de projet SI", "Chef de projet SI"),
        ("Administratrice systèmes", "Administrateur systèmes"),
    ],
    "Ressources humaines": [
        ("Chargée de recrutement", "Chargé de recrutement"),
        ("Responsable formation", "Responsable formation"),
        ("Juriste sociale", "Juriste social"),
    ],
    "Commercial": [
        ("Ingénieure commerciale", "Ingénieur commercial"),
        ("Responsable grands comptes", "Responsable grands comptes"),
        ("Assistante commerciale", "Assistant commercial"),
    ],
    "Marketing et communication": [
        ("Chargée de communication interne", "Chargé de communication interne"),
        ("Cheffe de produit", "Chef de produit"),
        ("Community manager", "Community manager"),
    ],
    "Production": [
        ("Responsable qualité", "Responsable qualité"),
        ("Technicienne de maintenance", "Technicien de maintenance"),
        ("Cheffe d’atelier", "Chef d’atelier"),
    ],
    "Finance": [
        ("Contrôleuse de gestion", "Contrôleur de gestion"),
        ("Comptable", "Comptable"),
        ("Acheteuse", "Acheteur"),
    ],
    "Recherche et développement": [
        ("Ingénieure R&D", "Ingénieur R&D"),
        ("Data scientist", "Data scientist"),
        ("Chercheuse matériaux", "Chercheur matériaux"),
    ],
}
SITES = ["Paris — La Défense", "Lyon", "Nantes", "Toulouse", "Lille", "Bordeaux"]
EXPERTISE = [
    "Python",
    "Achats",
    "Lean management",
    "Recrutement",
    "Excel",
    "Power BI",
    "SAP",
    "Gestion de projet",
    "Qualité ISO 9001",
    "Droit du travail",
    "Data science",
    "Cybersécurité",
    "Prise de parole",
    "Design thinking",
    "Négociation",
    "Cloud",
    "Maintenance",
    "RSE",
]
INTERESTS = [
    "Course à pied",
    "Photographie",
    "Cuisine",
    "Jardinage",
    "Randonnée",
    "Jeux de société",
    "Musique",
    "Lecture",
    "Vélo",
    "Théâtre",
    "Voile",
    "Bénévolat",
]
READING = [
    "Les Échos, Usbek & Rica et la newsletter de l'ADN.",
    "Le Monde Informatique et Hacker News.",
    "Harvard Business Review (édition française).",
    "Des romans policiers, beaucoup.",
]
OFFERS = [
    "Je peux aider sur les tableaux croisés dynamiques et l'automatisation d'Excel.",
    "Je relis volontiers vos présentations avant un comité.",
    "Je peux expliquer le processus d'achat et les bons réflexes avec les fournisseurs.",
    "Je fais découvrir nos ateliers aux nouveaux arrivants.",
]


def _slug(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum() or ch in ".-")


def demo_people() -> list[dict[str, object]]:
    """Deterministic: the same forty people every time."""
    rng = random.Random(2026)  # noqa: S311 (demo data, not security)
    people: list[dict[str, object]] = []
    departments = list(DEPARTMENTS)
    for i, (first, last) in enumerate(zip(FIRST_NAMES, LAST_NAMES, strict=True)):
        department = departments[i % len(departments)]
        feminine = i < FEMININE_NAMES
        complete = i % 3 != 2  # two thirds complete, one third left for the newcomer checklist
        person: dict[str, object] = {
            "username": f"{_slug(first)}.{_slug(last)}",
            "email": f"{_slug(first)}.{_slug(last)}@exemple.fr",
            "display_name": f"{first} {last}",
            "department": department,
            "site": SITES[i % len(SITES)],
            "job_title": rng.choice(DEPARTMENTS[department])[0 if feminine else 1],
            "grammatical_gender": "f" if feminine else "m",
            "complete": complete,
        }
        if complete:
            person.update(
                bio=f"{first} travaille au sein de « {department} » "
                f"depuis {rng.randint(1, 20)} ans.",
                expertise=rng.sample(EXPERTISE, 3),
                interests=rng.sample(INTERESTS, 2),
                offers=rng.choice(OFFERS),
                reading=rng.choice(READING),
                phone=f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
            )
        people.append(person)
    return people


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Creates what is missing and leaves the rest alone: running it twice changes nothing."""
    created = 0
    if current_charter() is None:
        services.charter_publish(author=None, text_fr=CHARTER_FR, text_en=CHARTER_EN)
    if not User.objects.filter(username=ADMIN_USERNAME).exists():
        admin = people_actions.person_create(
            username=ADMIN_USERNAME,
            email="admin@exemple.fr",
            display_name="Administratrice Rucher",
            password=None,
            department="Direction générale",
            site=SITES[0],
            job_title="Administratrice du réseau",
            is_staff=True,
        )
        admin.is_superuser = True
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["is_superuser", "password"])
        created += 1
    existing = set(User.objects.values_list("username", flat=True))
    for spec in demo_people():
        if spec["username"] in existing:
            continue
        person = people_actions.person_create(
            username=str(spec["username"]),
            email=str(spec["email"]),
            display_name=str(spec["display_name"]),
            department=str(spec["department"]),
            site=str(spec["site"]),
            job_title=str(spec["job_title"]),
        )
        person.set_password(DEMO_PASSWORD)
        person.grammatical_gender = str(spec["grammatical_gender"])
        person.save(update_fields=["password", "grammatical_gender"])
        if spec["complete"]:
            services.profile_update(
                person=person,
                changes={
                    key: spec[key]
                    for key in ("bio", "expertise", "interests", "offers", "reading", "phone")
                },
            )
        created += 1
    _demo_org_chart()
    return {"created": created, "people": User.objects.count()}


# Two network ambassadors welcome newcomers wherever no community leader does (Bienvenue,
# Support / SAV); the welcome post names them.
DEMO_AMBASSADORS = ("chloe.thomas", "amadou.perrin")


def _demo_org_chart() -> None:
    """The first person of each department heads it: the others report to them; two people are
    the network's ambassadors. Only what is not set yet (a demo edited by hand stays)."""
    specs = demo_people()
    people = User.objects.in_bulk([str(spec["username"]) for spec in specs], field_name="username")
    if not User.objects.filter(is_ambassador=True).exists():
        for username in DEMO_AMBASSADORS:
            ambassador = people.get(username)
            if ambassador is not None:
                ambassador.is_ambassador = True
                ambassador.save(update_fields=["is_ambassador"])
    heads: dict[str, User] = {}
    for spec in specs:
        person = people.get(str(spec["username"]))
        if person is None:
            continue
        head = heads.setdefault(str(spec["department"]), person)
        if head.pk != person.pk and person.manager_id is None:
            person.manager = head
            person.save(update_fields=["manager"])
