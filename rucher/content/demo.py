"""Demo content: a dozen communities, French posts with comments, likes, tags and mentions.

Called by `rucher demo` after the people exist. Deterministic (one random.Random(seed)) and
idempotent: a community is identified by its slug, a membership by its person, a post by its
author and text; what exists is left alone, so a second run creates nothing. Rows are written
with the ORM (no notification fan-out for invented activity) and every denormalised counter
(member_count, like_count, comment_count) is recomputed from the rows it counts.
"""

import hashlib
import io
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count
from django.urls import NoReverseMatch
from django.utils import timezone
from PIL import Image

from rucher.accounts.demo import ADMIN_USERNAME
from rucher.accounts.models import User
from rucher.communities.models import Community, Membership
from rucher.communities.services import community_cover_set, community_create
from rucher.content.mentions import render_rich_text
from rucher.content.models import (
    Comment,
    CommentLike,
    Post,
    PostCommunity,
    PostKind,
    PostLike,
    PostRead,
    Tag,
)
from rucher.core.markdown import render_markdown
from rucher.core.text import normalise_tag
from rucher.qa.services import answer_recorded, question_open

SEED = 2026
WELCOME_SLUG = "bienvenue"
HELP_SLUG = "support"

M, A = Membership.Role.MANAGER, Membership.Role.AMBASSADOR


@dataclass
class CommunitySpec:
    slug: str
    name: str
    kind: str
    visibility: str
    description: str
    objectives: str
    owner: str
    roles: dict[str, str] = field(default_factory=dict)  # username → manager / ambassador
    members: tuple[str, ...] = ()  # besides the random ones
    random_members: int = 0
    requested: tuple[str, ...] = ()
    invited: tuple[str, ...] = ()
    answer_promise_hours: int | None = None


COMMUNITIES: list[CommunitySpec] = [
    CommunitySpec(
        "communaute-python",
        "Communauté Python",
        Community.Kind.EXPERTISE,
        Community.Visibility.OPEN,
        "Tout ce qui touche à **Python** chez nous : scripts, data, web, bonnes pratiques.",
        "Partager nos bibliothèques internes, répondre aux questions de tous niveaux.",
        "camille.martin",
        {"thomas.girard": M, "emma.durand": A},
        random_members=12,
        answer_promise_hours=24,
    ),
    CommunitySpec(
        "qualite-amelioration-continue",
        "Qualité & amélioration continue",
        Community.Kind.PRACTICE,
        Community.Visibility.OPEN,
        "La communauté de pratique du Lean, de l'ISO 9001 et des chantiers Kaizen.",
        "Capitaliser les retours d'expérience des sites et diffuser les bons standards.",
        "ines.robert",
        {"pauline.laurent": M, "lucas.vincent": A},
        random_members=10,
        answer_promise_hours=48,
    ),
    CommunitySpec(
        "club-photo",
        "Club photo",
        Community.Kind.INTEREST,
        Community.Visibility.OPEN,
        "Amateurs ou confirmés : vos plus belles images, vos conseils, nos sorties photo.",
        "Une sortie par trimestre et un concours photo annuel.",
        "margaux.roux",
        {"chloe.thomas": A},
        random_members=9,
    ),
    CommunitySpec(
        "projet-phenix",
        "Projet Phénix",
        Community.Kind.PROJECT,
        Community.Visibility.SECRET,
        "Refonte confidentielle de la gamme industrielle (nom de code Phénix).",
        "Livrer le prototype au comité de direction fin du trimestre.",
        "julie.petit",
        {"mehdi.guerin": M},
        members=("sophie.michel", "louis.morel", "mathieu.francois", "camille.martin"),
        invited=("hugo.fournier",),
    ),
    CommunitySpec(
        "rh-managers",
        "Ressources humaines — managers",
        Community.Kind.PROCESS,
        Community.Visibility.PRIVATE,
        "L'espace des managers avec les RH : entretiens annuels, recrutement, droit social.",
        "Chaque question d'un manager obtient une réponse des RH en moins de 24 heures.",
        "lea.bernard",
        {"isabelle.david": M},
        members=("clara.leroy", "nicolas.andre", "theo.henry", "ines.robert", "camille.martin"),
        requested=("julien.mercier", "antoine.dupont"),
        answer_promise_hours=24,
    ),
    CommunitySpec(
        "vie-site-lyon",
        "Vie du site de Lyon",
        Community.Kind.THEMATIC,
        Community.Visibility.OPEN,
        "Infos pratiques, covoiturage, restaurant d'entreprise et événements du site de Lyon.",
        "",
        "emma.durand",
        {"hugo.fournier": A},
        members=("lea.bernard", "sophie.michel", "maxime.lambert", "baptiste.roussel"),
        random_members=4,
    ),
    CommunitySpec(
        "innovation",
        "Innovation",
        Community.Kind.PROCESS,
        Community.Visibility.OPEN,
        "La boîte à idées de l'entreprise : proposez, votez, faites avancer.",
        "Étudier chaque idée sous un mois et répondre publiquement.",
        "sophie.michel",
        {"antoine.dupont": M, "chloe.thomas": A},
        random_members=14,
    ),
    CommunitySpec(
        "bien-etre-au-travail",
        "Bien-être au travail",
        Community.Kind.PROCESS,
        Community.Visibility.OPEN,
        "Qualité de vie au travail : ergonomie, sport, santé, déconnexion.",
        "",
        "isabelle.david",
        {"pauline.laurent": A},
        random_members=12,
    ),
    CommunitySpec(
        "achats-responsables",
        "Achats responsables",
        Community.Kind.PRACTICE,
        Community.Visibility.OPEN,
        "Acheter mieux : fournisseurs locaux, critères RSE, économie circulaire.",
        "Atteindre 30 % d'achats auprès de fournisseurs engagés d'ici deux ans.",
        "pierre.bonnet",
        {"sarah.richard": M},
        random_members=7,
        answer_promise_hours=72,
    ),
    CommunitySpec(
        "data-ia",
        "Data & IA",
        Community.Kind.EXPERTISE,
        Community.Visibility.OPEN,
        "Science des données, tableaux de bord et intelligence artificielle appliquée.",
        "Un usage de l'IA utile, mesuré et responsable.",
        "mehdi.guerin",
        {"julie.petit": M, "nathalie.garcia": A},
        random_members=11,
        answer_promise_hours=24,
    ),
    CommunitySpec(
        "mobilite-interne",
        "Mobilité interne",
        Community.Kind.PROCESS,
        Community.Visibility.PRIVATE,
        "Les postes ouverts en interne et l'accompagnement des candidats, en toute discrétion.",
        "",
        "romain.legrand",
        {"clara.leroy": A},
        random_members=6,
        requested=("yanis.blanc",),
    ),
    CommunitySpec(
        "onboarding",
        "Onboarding",
        Community.Kind.PROCESS,
        Community.Visibility.OPEN,
        "Réussir l'arrivée des nouveaux : parrainage, parcours d'intégration, premiers pas.",
        "Chaque nouvel arrivant a un parrain et une réponse à sa première question dans la "
        "journée.",
        "clara.leroy",
        {"theo.henry": M, "amadou.perrin": A},
        random_members=8,
        answer_promise_hours=8,
    ),
]


@dataclass
class CommentSpec:
    author: str
    body: str
    replies: tuple[tuple[str, str], ...] = ()


@dataclass
class PostSpec:
    author: str
    communities: tuple[str, ...]
    kind: str
    title: str
    body: str
    comments: tuple[CommentSpec, ...] = ()
    pinned: bool = False
    featured: bool = False
    must_read: bool = False
    days_ago: float = 1.0


P = PostKind
POSTS: list[PostSpec] = [
    PostSpec(
        ADMIN_USERNAME,
        (WELCOME_SLUG,),
        P.ANNOUNCEMENT,
        "Bienvenue sur Rucher, notre réseau social d'entreprise",
        "Bonjour à toutes et à tous,\n\nRucher est désormais **le lieu unique** de nos échanges : "
        "questions, retours d'expérience, annonces et communautés.\n\n"
        "Pour bien démarrer :\n\n1. complétez votre profil (photo, expertises) ;\n"
        "2. rejoignez au moins trois communautés ;\n3. posez votre première question !\n\n"
        "Merci de lire la charte d'utilisation. Les ambassadeurs, dont @chloe.thomas et "
        "@amadou.perrin, sont là pour vous aider. #rucher #bienvenue",
        comments=(
            CommentSpec(
                "camille.martin",
                "Super initiative, j'ai déjà rejoint la Communauté Python !",
                (("chloe.thomas", "Bienvenue Camille, n'hésite pas à poser tes questions."),),
            ),
            CommentSpec("lucas.vincent", "Est-ce qu'il existe une application mobile ?"),
        ),
        pinned=True,
        featured=True,
        must_read=True,
        days_ago=20,
    ),
    PostSpec(
        "amadou.perrin",
        (WELCOME_SLUG,),
        P.POST,
        "",
        "Je suis arrivé lundi à l'atelier de Toulouse comme technicien de maintenance. "
        "Ravi de faire partie de l'aventure ! Des conseils pour bien démarrer ? #onboarding",
        comments=(
            CommentSpec(
                "clara.leroy",
                "Bienvenue Amadou ! Jette un œil à la communauté **Onboarding**, "
                "tout y est expliqué.",
                (("amadou.perrin", "Merci Clara, c'est fait."),),
            ),
        ),
        days_ago=6,
    ),
    PostSpec(
        "lucas.vincent",
        (HELP_SLUG,),
        P.QUESTION,
        "Comment recevoir un résumé quotidien par email ?",
        "Je reçois une notification pour chaque commentaire et c'est un peu trop. "
        "Peut-on avoir un récapitulatif par jour ? #notifications",
        comments=(
            CommentSpec(
                "chloe.thomas",
                "Oui : dans **Paramètres → Notifications**, choisis « quotidien » pour chaque "
                "type d'alerte.",
            ),
        ),
        days_ago=12,
    ),
    PostSpec(
        "camille.martin",
        ("communaute-python",),
        P.QUESTION,
        "Quel outil pour gérer les dépendances de nos projets ?",
        "On hésite entre `pip-tools`, **Poetry** et **uv** pour nos scripts internes.\n\n"
        "Vos retours d'expérience ? Ce qui compte pour nous : la reproductibilité et la "
        "vitesse en CI. #python #outillage",
        comments=(
            CommentSpec(
                "thomas.girard",
                "On est passés à `uv` sur trois projets : les installations en CI sont dix fois "
                "plus rapides, et le fichier de verrouillage est lisible.",
                (
                    ("camille.martin", "Merci Thomas, tu as un exemple de configuration ?"),
                    ("thomas.girard", "Je te l'envoie, et je le publie ici dans la foulée."),
                ),
            ),
            CommentSpec("nathalie.garcia", "Poetry marche bien aussi, mais il est plus lent."),
        ),
        featured=True,
        days_ago=9,
    ),
    PostSpec(
        "thomas.girard",
        ("communaute-python", "data-ia"),
        P.ARTICLE,
        "Automatiser ses rapports Excel avec pandas",
        "## Pourquoi\n\nChaque lundi, nous passions deux heures à consolider des fichiers "
        "Excel.\n\n## Comment\n\n```python\nimport pandas as pd\n\n"
        "frames = [pd.read_excel(f) for f in fichiers]\n"
        'rapport = pd.concat(frames).groupby("site").sum()\n```\n\n'
        "## Résultat\n\nDeux heures gagnées par semaine, et plus d'erreurs de copier-coller. "
        "Merci à @sarah.richard pour les données de test. #python #excel #automatisation",
        comments=(
            CommentSpec("sarah.richard", "Avec plaisir ! Le contrôle de gestion adopte."),
            CommentSpec(
                "hugo.fournier",
                "Est-ce que ça marche avec des fichiers protégés par mot de passe ?",
                (("thomas.girard", "Pas directement : il faut `msoffcrypto-tool` avant."),),
            ),
        ),
        days_ago=15,
    ),
    PostSpec(
        "emma.durand",
        ("communaute-python",),
        P.DISCUSSION,
        "Atelier « Python pour débutants » : qui serait intéressé ?",
        "Je propose trois sessions d'une heure à midi, sur le site de Lyon et en visio. "
        "Dites-moi en commentaire vos disponibilités. #formation #python",
        days_ago=3,
    ),
    PostSpec(
        "ines.robert",
        ("qualite-amelioration-continue",),
        P.ARTICLE,
        "Retour d'expérience : notre chantier 5S à l'atelier de Nantes",
        "En six semaines, l'équipe de l'atelier a :\n\n- réduit de **40 %** le temps de "
        "recherche d'outillage ;\n- libéré 20 m² de surface ;\n- mis en place un audit "
        "hebdomadaire de 10 minutes.\n\nBravo à @lucas.vincent et toute l'équipe ! #lean #5S",
        comments=(
            CommentSpec(
                "pauline.laurent",
                "Bravo ! On lance le même chantier à Lille le mois prochain.",
                (("ines.robert", "Je vous passe nos supports, avec plaisir."),),
            ),
            CommentSpec("karim.rousseau", "Les photos avant/après sont impressionnantes."),
        ),
        pinned=True,
        days_ago=11,
    ),
    PostSpec(
        "pauline.laurent",
        ("qualite-amelioration-continue",),
        P.QUESTION,
        "Audit ISO 9001 : comment préparer les équipes ?",
        "L'audit de renouvellement arrive en mars. Comment rassurez-vous les équipes "
        "terrain avant l'audit ? #iso9001 #qualite",
        comments=(
            CommentSpec(
                "ines.robert",
                "Un audit « à blanc » deux semaines avant, mené par un autre site : très efficace.",
            ),
        ),
        days_ago=4,
    ),
    PostSpec(
        "margaux.roux",
        ("club-photo",),
        P.ANNOUNCEMENT,
        "Sortie photo du trimestre : les quais de Lyon au lever du soleil",
        "Rendez-vous **samedi 7 h** place Bellecour. Trépied conseillé, bonne humeur "
        "obligatoire. Inscriptions en commentaire ! #sortie #photo",
        comments=(
            CommentSpec("chloe.thomas", "Je viens, avec mon nouvel objectif 35 mm !"),
            CommentSpec("baptiste.roussel", "Inscrit. Je peux covoiturer depuis Villeurbanne."),
        ),
        pinned=True,
        days_ago=5,
    ),
    PostSpec(
        "chloe.thomas",
        ("club-photo",),
        P.POST,
        "",
        "Premier essai de photo de nuit sur le parking de l'usine : pose de 20 secondes, "
        "ISO 100. Vos conseils pour éviter le bruit ? #photo #nuit",
        comments=(CommentSpec("margaux.roux", "Essaie la réduction de bruit en pose longue."),),
        days_ago=2,
    ),
    PostSpec(
        "julie.petit",
        ("projet-phenix",),
        P.ANNOUNCEMENT,
        "Jalon 2 validé",
        "Le comité a validé le jalon 2 du projet. Prochaine étape : le prototype. "
        "Merci à @mehdi.guerin et @sophie.michel pour les simulations. "
        "Rappel : tout reste **confidentiel**. #phenix",
        comments=(CommentSpec("mehdi.guerin", "Belle étape, bravo à toute l'équipe !"),),
        pinned=True,
        days_ago=7,
    ),
    PostSpec(
        "mathieu.francois",
        ("projet-phenix",),
        P.QUESTION,
        "Fournisseur pour les essais de matériaux ?",
        "Il nous faut un laboratoire pour les essais de fatigue. Des recommandations ? #materiaux",
        comments=(
            CommentSpec(
                "louis.morel",
                "Le CETIM a fait nos derniers essais, délais corrects.",
            ),
        ),
        days_ago=1.5,
    ),
    PostSpec(
        "lea.bernard",
        ("rh-managers",),
        P.ANNOUNCEMENT,
        "Campagne d'entretiens annuels : calendrier",
        "La campagne ouvre le **15 janvier** et se termine le 28 février. Les supports sont "
        "dans l'intranet RH. Pour toute question, @isabelle.david est votre contact. "
        "#entretiens #rh",
        pinned=True,
        days_ago=10,
    ),
    PostSpec(
        "nicolas.andre",
        ("rh-managers",),
        P.QUESTION,
        "Télétravail : combien de jours pour un nouvel arrivant ?",
        "Un nouvel arrivant peut-il télétravailler dès la période d'essai ? #teletravail",
        comments=(
            CommentSpec(
                "isabelle.david",
                "Oui, après les quatre premières semaines, selon l'accord d'entreprise (article "
                "4).",
                (("nicolas.andre", "Parfait, merci pour la réponse rapide."),),
            ),
        ),
        days_ago=2.5,
    ),
    PostSpec(
        "emma.durand",
        ("vie-site-lyon",),
        P.ANNOUNCEMENT,
        "Travaux au restaurant d'entreprise",
        "Le restaurant sera fermé du 3 au 7 : des paniers repas seront proposés dans le hall. "
        "#lyon #restaurant",
        days_ago=8,
    ),
    PostSpec(
        "hugo.fournier",
        ("vie-site-lyon", "bien-etre-au-travail"),
        P.POST,
        "Covoiturage depuis Villefranche",
        "Je fais le trajet tous les jours, arrivée 8 h 30. Deux places libres ! "
        "#covoiturage #mobilite",
        comments=(CommentSpec("maxime.lambert", "Intéressé pour les mardis et jeudis !"),),
        days_ago=4.5,
    ),
    PostSpec(
        "antoine.dupont",
        ("innovation",),
        P.IDEA,
        "Des capteurs pour suivre la consommation d'énergie des machines",
        "Installer des capteurs connectés sur les machines les plus énergivores permettrait "
        "de repérer les veilles inutiles. Estimation : **8 %** d'économies. Qui veut "
        "creuser l'idée avec moi ? #energie #idee #rse",
        comments=(
            CommentSpec(
                "karim.rousseau",
                "Excellente idée, on a déjà un capteur test sur la presse 3.",
                (("antoine.dupont", "Génial, on peut partir de tes mesures ?"),),
            ),
            CommentSpec("mehdi.guerin", "Côté data, je peux aider à analyser les séries."),
        ),
        featured=True,
        days_ago=13,
    ),
    PostSpec(
        "sophie.michel",
        ("innovation", "achats-responsables"),
        P.IDEA,
        "Une ressourcerie interne pour le mobilier de bureau",
        "Plutôt que de jeter les bureaux et fauteuils lors des déménagements, proposons-les "
        "aux autres sites. #economie-circulaire #rse",
        comments=(CommentSpec("pierre.bonnet", "Les achats soutiennent à 100 % !"),),
        days_ago=6.5,
    ),
    PostSpec(
        "isabelle.david",
        ("bien-etre-au-travail",),
        P.ARTICLE,
        "Cinq gestes simples pour le dos au bureau",
        "1. Écran à hauteur des yeux.\n2. Pieds à plat.\n3. Une pause toutes les heures.\n"
        "4. Les épaules relâchées.\n5. Marcher pendant les appels.\n\n"
        "Des ateliers avec un ergonome sont proposés chaque mois. #ergonomie #sante",
        comments=(
            CommentSpec("olivier.garnier", "Le point 5 a changé mes journées."),
            CommentSpec("pauline.laurent", "On peut réserver l'ergonome pour son équipe ?"),
        ),
        days_ago=14,
    ),
    PostSpec(
        "pauline.laurent",
        ("bien-etre-au-travail",),
        P.DISCUSSION,
        "Déconnexion : vos astuces le soir et le week-end ?",
        "Je coupe les notifications à 19 h. Et vous ? #deconnexion",
        days_ago=1,
    ),
    PostSpec(
        "pierre.bonnet",
        ("achats-responsables",),
        P.ARTICLE,
        "Notre nouvelle grille de critères RSE pour les fournisseurs",
        "| Critère | Poids |\n|---|---|\n| Émissions de CO₂ | 30 % |\n"
        "| Conditions de travail | 30 % |\n| Circuit court | 20 % |\n| Prix | 20 % |\n\n"
        "Merci à @sarah.richard pour la relecture. #achats #rse",
        pinned=True,
        days_ago=16,
    ),
    PostSpec(
        "mehdi.guerin",
        ("data-ia",),
        P.QUESTION,
        "Quelles règles pour utiliser l'IA générative avec nos données ?",
        "Plusieurs équipes testent des assistants IA. Quelles données peut-on y mettre ? "
        "Avez-vous une politique interne ? #ia #donnees",
        comments=(
            CommentSpec(
                "nathalie.garcia",
                "La DSI publie une note la semaine prochaine. En attendant : aucune donnée "
                "client ni personnelle.",
                (("mehdi.guerin", "Merci Nathalie, je relaierai la note ici."),),
            ),
        ),
        featured=True,
        days_ago=5.5,
    ),
    PostSpec(
        "julie.petit",
        ("data-ia",),
        P.POST,
        "",
        "Notre tableau de bord **Power BI** des délais de livraison est en ligne. "
        "Vos retours sont bienvenus ! #powerbi #dataviz",
        days_ago=3.5,
    ),
    PostSpec(
        "romain.legrand",
        ("mobilite-interne",),
        P.ANNOUNCEMENT,
        "Trois postes ouverts en interne ce mois-ci",
        "- Cheffe de projet SI (Paris)\n- Responsable qualité (Lille)\n- Acheteur (Lyon)\n\n"
        "Candidature confidentielle auprès de @clara.leroy. #mobilite #recrutement",
        pinned=True,
        days_ago=9.5,
    ),
    PostSpec(
        "clara.leroy",
        ("onboarding", WELCOME_SLUG),
        P.ARTICLE,
        "Le parcours d'intégration en 30 jours",
        "**Semaine 1** : accueil, parrain, outils.\n**Semaine 2** : découverte des sites.\n"
        "**Semaines 3 et 4** : premières missions et point avec le manager.\n\n"
        "Parrains et marraines, inscrivez-vous auprès de @theo.henry ! #onboarding #parrainage",
        comments=(
            CommentSpec(
                "theo.henry",
                "Déjà douze parrains inscrits, merci à vous !",
                (("amadou.perrin", "Mon parrain m'a beaucoup aidé la première semaine."),),
            ),
        ),
        featured=True,
        days_ago=18,
    ),
    PostSpec(
        "theo.henry",
        ("onboarding",),
        P.QUESTION,
        "Quels documents préparer avant le premier jour ?",
        "Une question qui revient souvent chez les nouveaux arrivants : que faut-il apporter "
        "le premier jour ? #onboarding",
        comments=(
            CommentSpec("clara.leroy", "Pièce d'identité, RIB et carte Vitale, c'est tout."),
        ),
        days_ago=0.5,
    ),
]

GENERIC_COMMENTS = [
    "Merci pour le partage !",
    "Très intéressant, je relaie à mon équipe.",
    "Bonne idée, je suis partant.",
    "Est-ce qu'on peut en parler à la prochaine réunion ?",
    "Je n'y avais pas pensé, merci.",
    "Bravo pour ce travail !",
]


@dataclass
class Plan:
    """Everything decided by the random generator, drawn up front so runs are identical."""

    members: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    likes: list[list[str]] = field(default_factory=list)
    extra_comments: list[list[tuple[str, str]]] = field(default_factory=list)
    comment_likes: list[list[list[str]]] = field(default_factory=list)
    hours: list[float] = field(default_factory=list)
    readers: list[str] = field(default_factory=list)


def _plan(usernames: list[str], rng: random.Random) -> Plan:
    plan = Plan()
    people = [u for u in usernames if u != ADMIN_USERNAME]
    readers: dict[str, set[str]] = {}
    for spec in COMMUNITIES:
        rows: dict[str, tuple[str, str]] = {}
        for username in spec.members:
            rows[username] = (Membership.Role.MEMBER, Membership.Status.MEMBER)
        pool = [u for u in people if u != spec.owner and u not in spec.roles]
        for username in rng.sample(pool, min(spec.random_members, len(pool))):
            rows.setdefault(username, (Membership.Role.MEMBER, Membership.Status.MEMBER))
        for username, role in spec.roles.items():
            rows[username] = (role, Membership.Status.MEMBER)
        for username in spec.requested:
            rows[username] = (Membership.Role.MEMBER, Membership.Status.REQUESTED)
        for username in spec.invited:
            rows[username] = (Membership.Role.MEMBER, Membership.Status.INVITED)
        rows.pop(spec.owner, None)
        plan.members[spec.slug] = [(u, role, status) for u, (role, status) in rows.items()]
        readers[spec.slug] = {spec.owner} | {
            u for u, (_role, status) in rows.items() if status == Membership.Status.MEMBER
        }
    everyone: list[tuple[str, str, str]] = [
        (u, Membership.Role.MEMBER, Membership.Status.MEMBER) for u in people
    ]
    if ADMIN_USERNAME in usernames:
        everyone.append((ADMIN_USERNAME, Membership.Role.OWNER, Membership.Status.MEMBER))
    plan.members[WELCOME_SLUG] = everyone
    helpers = [
        (u, Membership.Role.MEMBER, Membership.Status.MEMBER) for u in rng.sample(people, 10)
    ]
    plan.members[HELP_SLUG] = [
        *(row for row in helpers if row[0] != "chloe.thomas"),
        ("chloe.thomas", A, Membership.Status.MEMBER),
        *(row for row in everyone if row[0] == ADMIN_USERNAME),
    ]
    for slug in (WELCOME_SLUG, HELP_SLUG):
        readers[slug] = {u for u, _r, _s in plan.members[slug]}
    # Authors and commenters belong to the communities they write in.
    for post in POSTS:
        writers = {post.author} | {c.author for c in post.comments}
        writers |= {author for c in post.comments for author, _body in c.replies}
        for slug in post.communities:
            known = {u for u, _r, _s in plan.members[slug]}
            for username in sorted(writers - readers[slug]):
                if username in known:
                    plan.members[slug] = [
                        (u, r, Membership.Status.MEMBER if u == username else s)
                        for u, r, s in plan.members[slug]
                    ]
                else:
                    plan.members[slug].append(
                        (username, Membership.Role.MEMBER, Membership.Status.MEMBER)
                    )
                readers[slug].add(username)
    for post in POSTS:
        audience = sorted(set().union(*(readers[s] for s in post.communities)) - {post.author})
        plan.likes.append(rng.sample(audience, rng.randint(0, min(12, len(audience)))))
        extra = []
        if not post.comments:
            for _ in range(rng.randint(0, 3)):
                extra.append((rng.choice(audience), rng.choice(GENERIC_COMMENTS)))
        plan.extra_comments.append(extra)
        n_comments = len(post.comments) + sum(len(c.replies) for c in post.comments) + len(extra)
        plan.comment_likes.append(
            [rng.sample(audience, rng.randint(0, min(4, len(audience)))) for _ in range(n_comments)]
        )
        plan.hours.append(rng.uniform(0, 10))
    plan.readers = sorted(rng.sample(people, len(people) // 2))
    return plan


def _render(body: str) -> tuple[str, list[str]]:
    """The content app's renderer (links for @mentions and #tags)."""
    try:
        rendered = render_rich_text(body)
    except NoReverseMatch:  # pragma: no cover - a URL not wired yet
        pass
    else:
        return rendered.html, rendered.hashtags
    tags = [normalise_tag(t) for t in re.findall(r"(?<![\w&#/])#(\w[\w-]{0,49})", body)]
    return render_markdown(body), list(dict.fromkeys(tags))


def _communities(people: dict[str, User]) -> dict[str, Community]:
    by_slug = {c.slug: c for c in Community.objects.filter(slug__in=[s.slug for s in COMMUNITIES])}
    for spec in COMMUNITIES:
        if spec.slug in by_slug or spec.owner not in people:
            continue
        by_slug[spec.slug] = community_create(
            creator=people[spec.owner],
            name=spec.name,
            slug=spec.slug,
            kind=spec.kind,
            visibility=spec.visibility,
            description=spec.description,
            objectives=spec.objectives,
            answer_promise_hours=spec.answer_promise_hours,
        )
    for slug in (WELCOME_SLUG, HELP_SLUG):
        community = Community.objects.filter(slug=slug).first()
        if community is not None:
            by_slug[slug] = community
    return by_slug


def _cover_png(seed: str) -> bytes:
    """A soft two-colour gradient, its hues drawn from the community's slug (no image files
    shipped with the demo)."""
    digest = hashlib.sha256(seed.encode()).digest()
    start = (digest[0] // 2 + 60, digest[1] // 2 + 60, digest[2] // 2 + 60)
    end = (digest[3] // 3 + 150, digest[4] // 3 + 150, digest[5] // 3 + 150)
    width, height = 600, 200
    band = Image.linear_gradient("L").rotate(90).resize((width, height))
    image = Image.composite(
        Image.new("RGB", (width, height), end), Image.new("RGB", (width, height), start), band
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _covers(communities: dict[str, Community]) -> None:
    """Every demo community gets a cover, set by the administrator."""
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        return
    for community in communities.values():
        if community.cover:
            continue
        upload = SimpleUploadedFile("cover.png", _cover_png(community.slug), "image/png")
        community_cover_set(actor=admin, community=community, upload=upload)


def _memberships(plan: Plan, people: dict[str, User], communities: dict[str, Community]) -> int:
    wanted: list[Membership] = []
    for slug, rows in plan.members.items():
        community = communities.get(slug)
        if community is None:
            continue
        for username, role, status in rows:
            if username in people:
                wanted.append(
                    Membership(
                        community=community, person=people[username], role=role, status=status
                    )
                )
    existing = set(
        Membership.objects.filter(community__in=communities.values()).values_list(
            "community_id", "person_id"
        )
    )
    new = [m for m in wanted if (m.community.pk, m.person.pk) not in existing]
    Membership.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _recount_members(communities: dict[str, Community]) -> None:
    counts = dict(
        Membership.objects.filter(
            community__in=communities.values(), status=Membership.Status.MEMBER
        )
        .values_list("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    for community in communities.values():
        n = counts.get(community.pk, 0)
        if community.member_count != n:
            Community.objects.filter(pk=community.pk).update(member_count=n)


def _tags(slugs: list[str]) -> list[Tag]:
    existing = {t.slug: t for t in Tag.objects.filter(slug__in=slugs)}
    for slug in slugs:
        if slug not in existing:
            existing[slug] = Tag.objects.create(slug=slug, name=slug)
    return [existing[s] for s in slugs]


def _create_post(
    index: int,
    spec: PostSpec,
    plan: Plan,
    people: dict[str, User],
    communities: dict[str, Community],
    now: datetime,
) -> Post:
    html, hashtags = _render(spec.body)
    created_at = now - timedelta(days=spec.days_ago, hours=plan.hours[index])
    post = Post.objects.create(
        author=people[spec.author],
        kind=spec.kind,
        title=spec.title,
        body=spec.body,
        body_html=html,
        must_read=spec.must_read,
    )
    Post.objects.filter(pk=post.pk).update(created_at=created_at)
    curated_at = created_at + timedelta(minutes=5)
    PostCommunity.objects.bulk_create(
        [
            PostCommunity(
                post=post,
                community=communities[slug],
                created_at=created_at,
                pinned_at=curated_at if spec.pinned and i == 0 else None,
                featured_at=curated_at if spec.featured else None,
            )
            for i, slug in enumerate(spec.communities)
        ]
    )
    post.tags.set(_tags(hashtags))
    is_question = spec.kind == PostKind.QUESTION
    if is_question:
        # Questions get their answer-time state like any question published through post_create.
        post.created_at = created_at
        question_open(post=post, communities=[communities[slug] for slug in spec.communities])
    # Comments, in order, each a little after the previous one.
    written: list[tuple[str, str, bool]] = []
    for c in spec.comments:
        written.append((c.author, c.body, False))
        written.extend((author, body, True) for author, body in c.replies)
    written.extend((author, body, False) for author, body in plan.extra_comments[index])
    at = created_at
    parent: Comment | None = None
    comments: list[Comment] = []
    for author, body, is_reply in written:
        if author not in people:
            continue
        at += timedelta(minutes=37)
        comment = Comment.objects.create(
            post=post,
            parent=parent if is_reply else None,
            author=people[author],
            body=body,
            body_html=_render(body)[0],
        )
        comment.created_at = min(at, now)
        Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at)
        if is_question:
            answer_recorded(comment=comment, post=post)
        if not is_reply:
            parent = comment
        comments.append(comment)
    PostLike.objects.bulk_create(
        [
            PostLike(post=post, person=people[u])
            for u in plan.likes[index]
            if u in people and u != spec.author
        ]
    )
    likes: list[CommentLike] = []
    for comment, likers in zip(comments, plan.comment_likes[index], strict=False):
        likes.extend(
            CommentLike(comment=comment, person=people[u])
            for u in likers
            if u in people and people[u].pk != comment.author_id
        )
    CommentLike.objects.bulk_create(likes)
    for comment in comments:
        Comment.objects.filter(pk=comment.pk).update(like_count=comment.likes.count())
    Post.objects.filter(pk=post.pk).update(
        like_count=post.likes.count(), comment_count=post.comments.count()
    )
    return post


@transaction.atomic
def demo_content_load(seed: int = SEED) -> dict[str, Any]:
    """Creates the demo communities and content that are missing (safe to run again)."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    people = {u.username: u for u in User.objects.filter(is_active=True)}
    plan = _plan(sorted(people), rng)
    before = Community.objects.count()
    communities = _communities(people)
    memberships = _memberships(plan, people, communities)
    _recount_members(communities)
    _covers(communities)
    now = timezone.now()
    created_posts = 0
    for index, spec in enumerate(POSTS):
        if spec.author not in people or not all(s in communities for s in spec.communities):
            continue
        if Post.objects.filter(author=people[spec.author], body=spec.body).exists():
            continue
        post = _create_post(index, spec, plan, people, communities, now)
        created_posts += 1
        if spec.must_read:
            PostRead.objects.bulk_create(
                [
                    PostRead(post=post, person=people[u])
                    for u in plan.readers
                    if u in people and u != spec.author
                ],
                ignore_conflicts=True,
            )
    return {
        "communities": Community.objects.count() - before,
        "memberships": memberships,
        "posts": created_posts,
    }
