"""Les premières minutes, dans un vrai navigateur et en français : une nouvelle employée pose une
question depuis le compositeur de l'accueil (« Quoi de neuf ? ») en cherchant sa communauté par
son nom sans accents, et voit la promesse de délai de réponse ; sur un téléphone, l'en-tête tient
sur une ligne, le menu s'ouvre d'un bouton et aucune page principale ne défile de côté."""

import re

import pytest
from playwright.sync_api import Page, expect

from rucher.actions import memberships as membership_actions
from rucher.content.models import Post, PostKind
from rucher.core.factories import PersonFactory
from rucher.qa.models import Question
from tests.e2e.helpers import communaute

pytestmark = pytest.mark.french


def _communautes():
    owner = PersonFactory(username="olga", display_name="Olga Owner", language="fr")
    made = {}
    for name, slug, hours in (
        ("Équipe RH", "equipe-rh", 8),
        ("Club Python", "club-python", 24),
        ("Qualité", "qualite", None),
    ):
        made[slug] = communaute(owner, name, slug, hours=hours)
    return made


@pytest.mark.e2e
def test_poser_une_question_depuis_le_compositeur_de_l_accueil(page: Page, live_server, connexion):
    communautes = _communautes()
    nora = PersonFactory(username="nora", display_name="Nora Nouvelle", language="fr")
    for community in communautes.values():
        membership_actions.community_join(person=nora, community=community)

    connexion("nora")
    page.goto(f"{live_server.url}/")
    compositeur = page.locator("#composer")
    expect(compositeur.get_by_role("heading", name="Quoi de neuf ?")).to_be_visible()
    # Une publication simple n'a pas de titre ; une question en a un.
    expect(compositeur.get_by_label("Titre")).to_be_hidden()
    compositeur.get_by_label("Question", exact=True).check()
    expect(compositeur.get_by_label("Titre")).to_be_visible()

    # Chercher « equipe » (sans accent) ne laisse qu'« Équipe RH ».
    compositeur.get_by_label("Filtrer mes communautés").fill("equipe")
    expect(compositeur.get_by_role("checkbox", name="Équipe RH")).to_be_visible()
    expect(compositeur.get_by_role("checkbox", name="Club Python")).to_be_hidden()
    compositeur.get_by_label("Filtrer mes communautés").fill("zzz")
    expect(compositeur.get_by_text("Aucune de vos communautés ne correspond.")).to_be_visible()
    compositeur.get_by_label("Filtrer mes communautés").fill("EQUIPE")
    compositeur.get_by_role("checkbox", name="Équipe RH").check()
    expect(compositeur.locator(".composer-promise")).to_have_text(
        "Réponse garantie sous 8 heures ouvrées"
    )
    # La case cochée reste en vue quel que soit le filtre.
    compositeur.get_by_label("Filtrer mes communautés").fill("python")
    expect(compositeur.get_by_role("checkbox", name="Équipe RH")).to_be_visible()
    compositeur.get_by_role("checkbox", name="Club Python").check()
    expect(compositeur.locator(".composer-promise")).to_have_text(
        "Réponse garantie sous 8 heures ouvrées"
    )

    compositeur.get_by_label("Titre").fill("Où demander mon badge d’accès ?")
    compositeur.get_by_label("Texte").fill("J’arrive lundi au siège, à qui m’adresser ?")
    compositeur.get_by_role("button", name="Publier").click()

    # Comme sur Viva Engage : on reste dans le fil, la question en tête, un lien vers elle.
    expect(page).to_have_url(f"{live_server.url}/")
    post = Post.objects.get(author=nora)
    expect(page.locator("#feed .feed-item").first).to_have_id(f"feed-post-{post.pk}")
    page.get_by_role("status").get_by_role("link", name="Voir la publication").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))
    assert post.kind == PostKind.QUESTION
    assert sorted(post.placements.values_list("community__slug", flat=True)) == [
        "club-python",
        "equipe-rh",
    ]
    assert Question.objects.get(post=post).promise_hours == 8
    expect(page.get_by_role("heading", name="Où demander mon badge d’accès ?")).to_be_visible()


@pytest.mark.e2e
def test_sur_un_telephone_le_menu_s_ouvre_d_un_bouton(page: Page, live_server, connexion):
    communautes = _communautes()
    nora = PersonFactory(username="nora", display_name="Nora Nouvelle", language="fr")
    membership_actions.community_join(person=nora, community=communautes["qualite"])
    page.set_viewport_size({"width": 390, "height": 844})
    connexion("nora")
    page.goto(f"{live_server.url}/")

    entete = page.locator("header.topbar")
    box = entete.bounding_box()
    assert box is not None and box["height"] <= 80
    navigation = page.get_by_role("navigation", name="Principal")
    expect(navigation).to_be_hidden()
    bouton = page.locator("label.menu-button")
    bouton_box = bouton.bounding_box()
    assert bouton_box is not None and bouton_box["height"] >= 44
    bouton.click()
    expect(navigation).to_be_visible()
    lien = navigation.get_by_role("link", name="Communautés")
    lien_box = lien.bounding_box()
    assert lien_box is not None and lien_box["height"] >= 44
    lien.click()
    expect(page).to_have_url(re.compile(r"/communities/$"))
    expect(navigation).to_be_hidden()

    for path in (
        "/",
        "/communities/",
        "/c/qualite/",
        "/questions/",
        "/people/",
        "/people/nora/",
        "/leaderboard/",
        "/notifications/",
        "/settings/",
        "/posts/new/",
        "/services/",
        "/desks/",
    ):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide"

    # Sur un écran large, le menu est toujours déplié et le bouton absent.
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(navigation).to_be_visible()
    expect(bouton).to_be_hidden()


@pytest.mark.e2e
def test_remercier_une_collegue_en_tapant_son_nom(page: Page, live_server, connexion):
    communautes = _communautes()
    nora = PersonFactory(username="nora", display_name="Nora Nouvelle", language="fr")
    eloise = PersonFactory(
        username="e.martin", display_name="Éloïse Martin", job_title="Juriste", language="fr"
    )
    for personne in (nora, eloise):
        membership_actions.community_join(person=personne, community=communautes["qualite"])

    connexion("nora")
    page.goto(f"{live_server.url}/thank/?community=qualite")
    champ = page.get_by_label("Collègue")
    # Les suggestions arrivent en tapant (htmx, avec un délai) dans la liste du champ.
    champ.press_sequentially("éloïse", delay=30)
    suggestion = page.locator("#kudos-to-suggestions option[value='e.martin']")
    expect(suggestion).to_have_text("Éloïse Martin · Juriste")
    # Sans choisir la suggestion, le nom seul suffit : le serveur le résout.
    champ.fill("Éloïse Martin")
    page.get_by_label("Message").fill("Merci pour la relecture du contrat !")
    page.get_by_role("button", name=re.compile("Remercier|Publier|Envoyer")).click()
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    assert Post.objects.get(kind=PostKind.KUDOS).author == nora
