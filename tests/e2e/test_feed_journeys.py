"""Le fil d'accueil au quotidien, dans un vrai navigateur et en français (issue 15) : poser une
question depuis le compositeur en choisissant sa communauté et revenir au fil avec un message ;
mentionner une collègue choisie dans les suggestions de « @ » (au clavier, sur ordinateur et sur
téléphone) ; confirmer la lecture d'une annonce obligatoire depuis sa carte en tête de l'accueil ;
aimer et commenter sans recharger la page, avec un message et les points gagnés.

Les actions htmx ne rechargent pas la page : chaque test pose une marque sur `window` avant
l'action et vérifie qu'elle y est encore après (une navigation l'effacerait)."""

import re

import pytest
from playwright.sync_api import Page, expect

from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.content.models import Comment, Post, PostKind, PostRead
from rucher.core.factories import PersonFactory
from rucher.qa.models import Question
from tests.e2e.helpers import communaute

pytestmark = pytest.mark.french


def _marquer(page: Page) -> None:
    page.evaluate("window.__sansRechargement = true")


def _pas_de_rechargement(page: Page) -> None:
    assert page.evaluate("window.__sansRechargement === true"), "la page a été rechargée"


@pytest.mark.e2e
def test_une_question_depuis_le_compositeur_revient_au_fil_avec_un_message(
    page: Page, live_server, connexion
):
    olga = PersonFactory(username="olga", display_name="Olga Owner", language="fr")
    rh = communaute(olga, "Équipe RH", "equipe-rh", hours=8)
    python = communaute(olga, "Club Python", "club-python", hours=24)
    nora = PersonFactory(username="nora", display_name="Nora Nouvelle", language="fr")
    for community in (rh, python):
        membership_actions.community_join(person=nora, community=community)

    connexion("nora")
    compositeur = page.locator("#composer")
    compositeur.get_by_label("Question", exact=True).check()
    compositeur.get_by_label("Filtrer mes communautés").fill("equipe")
    compositeur.get_by_role("checkbox", name="Équipe RH").check()
    expect(compositeur.locator(".composer-promise")).to_have_text(
        "Réponse garantie sous 8 heures ouvrées"
    )
    compositeur.get_by_label("Titre").fill("Qui valide les congés d’été ?")
    compositeur.get_by_label("Texte").fill("Mon manager est absent jusqu’à lundi.")
    compositeur.get_by_role("button", name="Publier").click()

    # Revenue sur l'accueil : la question en tête du fil, un message avec un lien vers elle et
    # ce qu'elle a rapporté.
    expect(page).to_have_url(f"{live_server.url}/")
    post = Post.objects.get(author=nora)
    assert post.kind == PostKind.QUESTION
    assert list(post.placements.values_list("community__slug", flat=True)) == ["equipe-rh"]
    assert Question.objects.get(post=post).promise_hours == 8
    message = page.get_by_role("status")
    expect(message).to_contain_text("Votre publication est en ligne.")
    expect(message).to_contain_text("+15 points")
    expect(message).to_contain_text("Badge obtenu")
    premiere = page.locator("#feed .feed-item").first
    expect(premiere).to_have_id(f"feed-post-{post.pk}")
    expect(premiere.get_by_role("heading", name="Qui valide les congés d’été ?")).to_be_visible()
    expect(premiere).to_contain_text("Nora Nouvelle")
    expect(premiere).to_contain_text("Équipe RH")
    message.get_by_role("link", name="Voir la publication").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))


def _mentionner(page: Page, live_server, connexion) -> None:
    olga = PersonFactory(username="olga", display_name="Olga Owner", language="fr")
    qualite = communaute(olga, "Qualité", "qualite")
    PersonFactory(username="hdurand", display_name="Hélène Durand", job_title="Juriste")
    PersonFactory(username="hmartin", display_name="Hélène Martin", job_title="Comptable")
    PersonFactory(username="paul", display_name="Paul Leroy", job_title="Acheteur")
    nora = PersonFactory(username="nora", display_name="Nora Nouvelle", language="fr")
    membership_actions.community_join(person=nora, community=qualite)

    connexion("nora")
    compositeur = page.locator("#composer")
    texte = compositeur.get_by_label("Texte")
    texte.click()
    # Sans accent et en minuscules : les deux Hélène, avec leur fonction, pas Paul.
    texte.press_sequentially("Merci @hele")
    suggestions = compositeur.get_by_role("listbox", name="Collègues à mentionner")
    expect(suggestions.get_by_role("option")).to_have_count(2)
    expect(suggestions.get_by_role("option").first).to_contain_text("Hélène Durand")
    expect(suggestions.get_by_role("option").first).to_contain_text("Juriste")
    expect(suggestions.get_by_role("option").nth(1)).to_contain_text("Comptable")
    expect(suggestions).not_to_contain_text("Paul")
    # Au clavier : la flèche descend sur la seconde, Entrée la choisit.
    texte.press("ArrowDown")
    expect(suggestions.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
    texte.press("Enter")
    expect(suggestions).to_be_hidden()
    texte.press_sequentially("pour la relecture.")
    expect(texte).to_have_value("Merci @hmartin pour la relecture.")
    # Échap ferme la liste sans rien insérer.
    texte.press_sequentially(" Et @paul")
    expect(suggestions.get_by_role("option")).to_have_count(1)
    texte.press("Escape")
    expect(suggestions).to_be_hidden()
    expect(texte).to_have_value("Merci @hmartin pour la relecture. Et @paul")

    compositeur.get_by_role("checkbox", name="Qualité").check()
    compositeur.get_by_role("button", name="Publier").click()
    expect(page).to_have_url(f"{live_server.url}/")
    post = Post.objects.get(author=nora)
    carte = page.locator(f"#feed-post-{post.pk}")
    expect(carte.get_by_role("link", name="@hmartin")).to_have_attribute("href", "/people/hmartin/")
    expect(carte.get_by_role("link", name="@paul")).to_be_visible()


@pytest.mark.e2e
def test_mentionner_une_collegue_choisie_dans_les_suggestions(page: Page, live_server, connexion):
    _mentionner(page, live_server, connexion)


@pytest.mark.e2e
def test_mentionner_une_collegue_sur_un_telephone(page: Page, live_server, connexion):
    page.set_viewport_size({"width": 390, "height": 844})
    _mentionner(page, live_server, connexion)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.e2e
def test_confirmer_la_lecture_d_une_annonce_depuis_l_accueil(page: Page, live_server, connexion):
    ines = PersonFactory(username="ines", display_name="Inès Animatrice", language="fr")
    equipe = communaute(ines, "Équipe support", "equipe-support")
    jules = PersonFactory(username="jules", display_name="Jules Lecteur", language="fr")
    membership_actions.community_join(person=jules, community=equipe)
    annonce = post_actions.post_publish(
        author=ines,
        communities=[equipe],
        kind=PostKind.ANNOUNCEMENT,
        title="Nouvelle procédure d’astreinte",
        body="À partir de lundi, l’astreinte se prend dans l’outil de planning.",
        must_read=True,
    )
    for i in range(3):
        post_actions.post_publish(author=ines, communities=[equipe], body=f"Nouvelle {i}")

    connexion("jules")
    # En tête de l'accueil, avant le compositeur et les nouvelles plus récentes ; une seule fois.
    a_lire = page.get_by_role("region", name="À lire")
    carte = a_lire.locator(f"#feed-post-{annonce.pk}")
    expect(carte).to_contain_text("Nouvelle procédure d’astreinte")
    expect(carte).to_contain_text("Lecture obligatoire")
    expect(page.locator(f"#feed-post-{annonce.pk}")).to_have_count(1)
    haut_carte = carte.bounding_box()
    haut_compositeur = page.locator("#composer").bounding_box()
    assert haut_carte and haut_compositeur and haut_carte["y"] < haut_compositeur["y"]

    _marquer(page)
    with page.expect_response(re.compile(rf"/posts/{annonce.pk}/read$")) as lu:
        carte.get_by_role("button", name="Je l’ai lue").click()
    assert lu.value.ok
    expect(carte).to_contain_text("Vous l’avez lue le")
    expect(carte.get_by_role("button", name="Je l’ai lue")).to_have_count(0)
    _pas_de_rechargement(page)
    assert PostRead.objects.filter(person=jules, post=annonce).exists()

    # Lue, elle quitte la tête de l'accueil et reprend sa place dans le fil.
    page.reload()
    expect(page.get_by_role("region", name="À lire")).to_have_count(0)
    expect(page.locator(f"#feed #feed-post-{annonce.pk}")).to_have_count(1)


@pytest.mark.e2e
def test_aimer_et_commenter_sans_recharger_la_page(page: Page, live_server, connexion):
    olga = PersonFactory(username="olga", display_name="Olga Owner", language="fr")
    qualite = communaute(olga, "Qualité", "qualite")
    emile = PersonFactory(username="emile", display_name="Émile Lecteur", language="fr")
    membership_actions.community_join(person=emile, community=qualite)
    post = post_actions.post_publish(
        author=olga, communities=[qualite], title="Bilan du salon", body="40 contacts."
    )

    connexion("emile")
    carte = page.locator(f"#feed-post-{post.pk}")
    _marquer(page)
    # J'aime depuis la carte du fil : le bouton change sur place.
    carte.get_by_role("button", name="J’aime").click()
    expect(carte.get_by_role("button", name="Aimé")).to_have_attribute("aria-pressed", "true")
    expect(carte.locator(".like-count")).to_have_text("1")
    _pas_de_rechargement(page)

    # Commenter depuis la publication : le fil des commentaires se met à jour, un message dit
    # ce que le commentaire a rapporté.
    carte.get_by_role("link", name="0 commentaire").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/#comment-form$"))
    _marquer(page)
    formulaire = page.locator("form.comment-form")
    formulaire.get_by_label("Commentaire").fill("Bravo à toute l’équipe !")
    with page.expect_response(re.compile(rf"/posts/{post.pk}/comments")) as envoi:
        formulaire.get_by_role("button", name="Commenter").click()
    assert envoi.value.request.headers.get("hx-request") == "true"
    expect(page.get_by_role("heading", name="1 commentaire", exact=True)).to_be_visible()
    expect(page.locator("#comments article.comment")).to_contain_text("Bravo à toute l’équipe !")
    message = page.get_by_role("status")
    expect(message).to_contain_text("Votre commentaire est en ligne.")
    expect(message).to_contain_text("+2 points")
    _pas_de_rechargement(page)
    assert Comment.objects.filter(post=post, author=emile).count() == 1
    # Le formulaire revient vide, prêt pour la suite.
    expect(page.locator("form.comment-form").get_by_label("Commentaire")).to_have_value("")
