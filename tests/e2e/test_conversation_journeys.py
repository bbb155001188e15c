"""La conversation dans Rucher, dans un vrai navigateur et en français : rejoindre une
communauté ouverte, demander à rejoindre une communauté privée et être accepté, publier avec une
image et une mention, commenter, aimer, retrouver la publication dans le fil d'accueil, recevoir
la notification, publier dans deux communautés, lire une annonce à lire obligatoirement, signaler
une publication et la masquer en tant qu'animateur.

Le navigateur demande le français et chaque personne a choisi le français : les éléments sont
trouvés par leurs textes français. Un texte pas encore traduit est trouvé par son rôle ou son
adresse plutôt que par son texte (voir les commentaires « pas encore traduit »).

Les tâches de fond (notifications) passent par une file en mémoire : le serveur de test tourne
dans ce processus, le test la vide lui-même avec run_queued_tasks() entre deux étapes.
"""

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Membership
from rucher.content.feed import ReadCounts, post_read_counts
from rucher.content.models import Post, PostKind
from rucher.core.testing import run_queued_tasks
from tests.e2e.helpers import communaute, personne

pytestmark = pytest.mark.french


def statut(page: Page):
    """Les messages affichés après une action (role="status")."""
    return page.get_by_role("status")


def badge_non_lues(page: Page):
    return page.get_by_role("navigation", name="Principal").locator(".badge")


# --- (1) rejoindre une communauté ouverte -------------------------------------------------------


@pytest.mark.e2e
def test_rejoindre_une_communaute_ouverte(page: Page, live_server, connexion):
    olivier = personne("olivier", "Olivier Owner")
    communaute(olivier, "Jardinage", "jardinage")
    personne("alice", "Alice Adhérente")
    connexion("alice")

    page.get_by_role("link", name="Communautés", exact=True).click()
    expect(page.get_by_role("heading", name="Communautés", level=1)).to_be_visible()
    carte = page.locator(".community-card", has_text="Jardinage")
    expect(carte).to_contain_text("Ouverte")
    expect(carte).to_contain_text("1 membre")
    expect(carte).not_to_contain_text("Vous êtes membre")

    carte.get_by_role("link", name="Jardinage").click()
    expect(page).to_have_url(re.compile(r"/c/jardinage/$"))
    expect(page.get_by_role("heading", name="Jardinage", level=1)).to_be_visible()
    expect(page.get_by_text("Communauté ouverte")).to_be_visible()
    page.get_by_role("button", name="Rejoindre").click()

    expect(statut(page)).to_contain_text("Bienvenue dans Jardinage !")
    expect(page.get_by_text("Vous êtes membre de cette communauté.")).to_be_visible()
    expect(page.get_by_role("button", name="Quitter")).to_be_visible()
    expect(page.locator(".community-head")).to_contain_text("2 membres")

    page.get_by_role("link", name="Membres", exact=True).click()
    expect(page.locator("#members").get_by_role("link", name="Alice Adhérente")).to_be_visible()

    page.get_by_role("link", name="Communautés", exact=True).click()
    expect(carte).to_contain_text("Vous êtes membre")
    expect(carte).to_contain_text("2 membres")
    assert Membership.objects.get(community__slug="jardinage", person__username="alice").is_member


# --- (2) demander à rejoindre une communauté privée, être accepté -------------------------------


@pytest.mark.e2e
def test_demander_a_rejoindre_une_communaute_privee_puis_etre_accepte(
    page: Page, live_server, connexion
):
    manon = personne("manon", "Manon Manager")
    codir = communaute(manon, "Comité de direction", "codir", visibility="private")
    post_actions.post_publish(
        author=manon,
        communities=[codir],
        title="Ordre du jour",
        body="Budget 2027 et recrutements.",
    )
    personne("remi", "Rémi Requérant")

    connexion("remi")
    page.goto(f"{live_server.url}/c/codir/")
    expect(page.get_by_text("Communauté privée")).to_be_visible()
    expect(
        page.get_by_text("Cette communauté est privée : seuls ses membres lisent son contenu.")
    ).to_be_visible()
    expect(page.get_by_text("Ordre du jour")).to_have_count(0)
    page.get_by_role("button", name="Demander à rejoindre").click()
    expect(statut(page)).to_contain_text(
        "Votre demande a été envoyée aux animateurs de la communauté."
    )
    expect(page.get_by_text("Votre demande attend l’accord d’un animateur.")).to_be_visible()
    expect(page.get_by_text("Ordre du jour")).to_have_count(0)
    run_queued_tasks()

    # L'animatrice est prévenue, et accepte la demande depuis la page de gestion.
    # (Son premier message lui a aussi valu le badge « Premier message ».)
    connexion("manon")
    expect(badge_non_lues(page)).to_have_text("2")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    demande = page.locator("li.notification.unread", has_text="a demandé à rejoindre")
    expect(demande).to_have_count(1)
    expect(demande).to_contain_text("Rémi Requérant a demandé à rejoindre Comité de direction")
    demande.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/c/codir/manage/$"))
    demandes = page.locator("section", has=page.get_by_role("heading", name="Demandes d’adhésion"))
    expect(demandes.get_by_role("link", name="Rémi Requérant")).to_be_visible()
    demandes.get_by_role("button", name="Accepter").click()
    expect(statut(page)).to_contain_text("Rémi Requérant est désormais membre.")
    expect(demandes).to_contain_text("Aucune demande en attente.")
    run_queued_tasks()

    # Le demandeur est prévenu et lit désormais le fil de la communauté.
    connexion("remi")
    expect(badge_non_lues(page)).to_have_text("1")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    decision = page.locator("li.notification.unread")
    expect(decision).to_contain_text(
        "Votre demande pour rejoindre Comité de direction a été acceptée"
    )
    decision.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/c/codir/$"))
    expect(page.get_by_text("Vous êtes membre de cette communauté.")).to_be_visible()
    fil = page.locator("#stream")
    expect(fil.get_by_role("link", name="Ordre du jour")).to_be_visible()
    expect(fil).to_contain_text("Budget 2027 et recrutements.")


# --- (3) à (6) publier avec une image et une mention, commenter, aimer, fil, notifications ------


@pytest.mark.e2e
def test_publier_commenter_aimer_et_etre_notifie(
    page: Page, live_server, connexion, tmp_path: Path
):
    camille = personne("camille", "Camille Autrice")
    denis = personne("denis", "Denis Mentionné")
    emile = personne("emile", "Émile Lecteur")
    qualite = communaute(camille, "Qualité", "qualite")
    membership_actions.community_join(person=denis, community=qualite)
    membership_actions.community_join(person=emile, community=qualite)
    schema = tmp_path / "schema.png"
    Image.new("RGB", (120, 80), (242, 169, 0)).save(schema, format="PNG")

    # (3) Camille publie avec une image et une mention de Denis.
    connexion("camille")
    page.goto(f"{live_server.url}/c/qualite/")
    page.get_by_role("link", name="Publier", exact=True).click()
    expect(page).to_have_url(re.compile(r"/posts/new/$"))
    page.get_by_role("checkbox", name="Qualité").check()
    page.get_by_label("Titre").fill("Bilan du salon")
    page.get_by_label("Texte").fill(
        "Un **grand** merci à @denis pour le stand : 40 contacts qualifiés. #salon"
    )
    page.get_by_label("Fichiers").set_input_files(schema)
    page.get_by_role("button", name="Publier").click()

    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    post = Post.objects.get(title="Bilan du salon")
    expect(statut(page)).to_contain_text("Votre publication est en ligne.")
    article = page.locator("article.post")
    expect(article.get_by_role("heading", name="Bilan du salon", level=1)).to_be_visible()
    expect(article.locator(".prose strong")).to_have_text("grand")
    mention = article.get_by_role("link", name="@denis")
    expect(mention).to_have_attribute("href", "/people/denis/")
    expect(article.locator(".prose").get_by_role("link", name="#salon")).to_be_visible()
    # The tag is shown once, in the text (not again in a tag line: one tab stop per tag).
    expect(article.locator("p.tags").get_by_role("link", name="#salon")).to_have_count(0)
    image = article.locator("figure img.attachment-image")
    expect(image).to_have_attribute("src", re.compile(r"^/attachments/\d+/schema\.png$"))
    expect(image).to_have_attribute("alt", "schema.png")
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [120, 80]
    reponse = page.request.get(live_server.url + image.get_attribute("src"))
    assert reponse.ok
    assert reponse.headers["content-type"] == "image/png"
    assert reponse.headers["x-content-type-options"] == "nosniff"
    # On n'aime pas sa propre publication : pas de bouton, seulement le compteur.
    expect(article.locator("form.like button")).to_have_count(0)
    expect(article.locator("form.like")).to_contain_text("♥ 0")

    # (5) Émile, membre, voit la publication dans son fil d'accueil.
    connexion("emile")
    expect(page.get_by_role("heading", name="Bonjour Émile Lecteur")).to_be_visible()
    fil = page.locator("section.feed")
    expect(
        fil.get_by_role("heading", name="Les dernières nouvelles de vos communautés")
    ).to_be_visible()
    element = fil.locator(f"#feed-post-{post.pk}")
    expect(element).to_contain_text("Camille Autrice")
    expect(element.get_by_role("link", name="Qualité")).to_be_visible()
    expect(element.get_by_role("link", name="@denis")).to_be_visible()

    # (4) Émile commente, puis aime la publication.
    element.get_by_role("link", name="Bilan du salon").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))
    expect(page.get_by_role("heading", name="0 commentaire", exact=True)).to_be_visible()
    commentaire = page.locator("form.comment-form")
    commentaire.get_by_label("Commentaire").fill("Bravo à toute l’équipe !")
    commentaire.get_by_role("button", name="Commenter").click()
    # Publié sans recharger la page (htmx) : l'adresse ne change pas.
    expect(page.get_by_role("heading", name="1 commentaire", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))
    fil_commentaires = page.locator("#comments")
    expect(fil_commentaires.locator("article.comment")).to_have_count(1)
    expect(fil_commentaires.locator("article.comment")).to_contain_text("Émile Lecteur")
    expect(fil_commentaires.locator("article.comment")).to_contain_text("Bravo à toute l’équipe !")
    expect(page.get_by_role("heading", name="1 commentaire", exact=True)).to_be_visible()

    # Le bouton « J’aime » est remplacé sur place par htmx.
    jaime = page.locator("article.post form.like")
    bouton = jaime.get_by_role("button", name="J’aime")
    expect(bouton).to_have_attribute("aria-pressed", "false")
    expect(jaime.locator(".like-count")).to_have_text("0")
    with page.expect_response(re.compile(rf"/posts/{post.pk}/like$")) as like:
        bouton.click()
    assert like.value.ok
    assert like.value.request.headers.get("hx-request") == "true"
    aime = jaime.get_by_role("button", name="Aimé")
    expect(aime).to_have_attribute("aria-pressed", "true")
    expect(jaime.locator(".like-count")).to_have_text("1")
    page.reload()
    expect(aime).to_have_attribute("aria-pressed", "true")
    expect(jaime.locator(".like-count")).to_have_text("1")
    post.refresh_from_db()
    assert (post.like_count, post.comment_count) == (1, 1)
    run_queued_tasks()

    # (6) Denis, mentionné, voit le badge et la notification.
    connexion("denis")
    badge = badge_non_lues(page)
    expect(badge).to_have_text("1")
    expect(badge).to_have_attribute("aria-label", re.compile(r"^Notifications non lues\s*: 1$"))
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    notification = page.locator("li.notification.unread")
    expect(notification).to_have_count(1)
    lien = notification.get_by_role("link", name="Camille Autrice vous cite dans « Bilan")
    expect(lien).to_have_attribute("href", f"/posts/{post.pk}/")
    notification.get_by_role("button", name="Marquer comme lue").click()
    expect(notification.get_by_text("Lue", exact=True)).to_be_visible()
    page.reload()
    expect(page.locator("li.notification.unread")).to_have_count(0)
    expect(badge_non_lues(page)).to_have_count(0)
    page.get_by_role("link", name="Camille Autrice vous cite dans « Bilan").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))
    expect(page.locator("article.post figure img")).to_be_visible()

    # L'autrice est prévenue du commentaire et du « j'aime ».
    # (Sa première publication lui a aussi valu un badge.)
    connexion("camille")
    expect(badge_non_lues(page)).to_have_text("3")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    notifications = page.locator("li.notification.unread")
    expect(notifications).to_have_count(3)
    expect(notifications.filter(has_text="badge")).to_have_count(1)
    expect(
        notifications.filter(
            has_text="Émile Lecteur a commenté votre publication « Bilan du salon »"
        )
    ).to_have_count(1)
    expect(
        notifications.filter(has_text="Émile Lecteur a aimé votre publication « Bilan du salon »")
    ).to_have_count(1)
    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(page.locator("li.notification.unread")).to_have_count(0)
    expect(badge_non_lues(page)).to_have_count(0)


# --- (7) publier dans deux communautés ----------------------------------------------------------


@pytest.mark.e2e
def test_publier_dans_deux_communautes(page: Page, live_server, connexion):
    # Des communautés privées : seuls leurs membres en lisent le contenu.
    felix = personne("felix", "Félix Relais")
    communaute(felix, "Site de Lyon", "lyon", visibility="private")
    nantes = communaute(felix, "Site de Nantes", "nantes", visibility="private")
    communaute(felix, "Site de Brest", "brest")
    gina = personne("gina", "Gina Nantaise")
    membership_actions.community_join(person=gina, community=nantes)
    membership_actions.request_approve(actor=felix, community=nantes, person=gina)
    personne("hector", "Hector Horsjeu")

    connexion("felix")
    page.goto(f"{live_server.url}/posts/new/")
    choix = page.get_by_role("group", name="Communautés")
    expect(choix.get_by_role("checkbox")).to_have_count(3)
    choix.get_by_role("checkbox", name="Site de Lyon").check()
    choix.get_by_role("checkbox", name="Site de Nantes").check()
    page.get_by_label("Texte").fill("Les deux sites passent aux horaires d’été lundi.")
    page.get_by_role("button", name="Publier").click()

    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    post = Post.objects.get(body__startswith="Les deux sites")
    lieux = page.locator("article.post > p").first
    expect(lieux.get_by_role("link")).to_have_text(["Site de Lyon", "Site de Nantes"])
    expect(lieux.get_by_role("link", name="Site de Brest")).to_have_count(0)
    assert sorted(post.placements.values_list("community__slug", flat=True)) == ["lyon", "nantes"]

    # Une seule publication, visible dans le fil de chaque communauté.
    for slug in ("lyon", "nantes"):
        page.goto(f"{live_server.url}/c/{slug}/")
        carte = page.locator(f"#post-{post.pk}")
        expect(carte).to_contain_text("Les deux sites passent aux horaires d’été lundi.")
        expect(carte.get_by_role("link")).to_contain_text(["Site de Lyon", "Site de Nantes"])
    page.goto(f"{live_server.url}/c/brest/")
    expect(page.locator(f"#post-{post.pk}")).to_have_count(0)

    # Gina n'est membre que de Nantes : elle la lit par Nantes seulement ; Hector, membre
    # d'aucune des deux, ne la voit pas.
    connexion("gina")
    page.goto(f"{live_server.url}/posts/{post.pk}/")
    expect(page.locator("article.post")).to_contain_text("horaires d’été")
    expect(page.locator("article.post > p").first.get_by_role("link")).to_have_text(
        ["Site de Nantes"]
    )
    connexion("hector")
    assert page.goto(f"{live_server.url}/posts/{post.pk}/").status == 404


# --- (8) lire une annonce à lire obligatoirement ------------------------------------------------


@pytest.mark.e2e
def test_lire_une_annonce_a_lire_obligatoirement(page: Page, live_server, connexion):
    ines = personne("ines", "Inès Animatrice")
    equipe = communaute(ines, "Équipe support", "support-interne")
    jules = personne("jules", "Jules Lecteur")
    membership_actions.community_join(person=jules, community=equipe)

    # L'animatrice publie l'annonce depuis la page de sa communauté.
    connexion("ines")
    page.goto(f"{live_server.url}/c/support-interne/")
    nouvelle = page.locator("#composer")
    expect(nouvelle.get_by_role("heading")).to_have_text("Quoi de neuf ?")
    formulaire = nouvelle.locator("form")
    expect(formulaire.get_by_role("checkbox", name="Équipe support")).to_be_checked()
    formulaire.get_by_text("Plus d’options").click()
    formulaire.get_by_label("Annonce").check()
    formulaire.get_by_label("Titre").fill("Nouvelle procédure d’astreinte")
    formulaire.get_by_label("Texte").fill(
        "À partir de lundi, l’astreinte se prend dans l’outil de planning."
    )
    formulaire.get_by_label("Lecture obligatoire").check()
    formulaire.get_by_role("button", name="Publier").click()
    # On reste sur la page de la communauté ; le message mène à l'annonce.
    expect(page).to_have_url(re.compile(r"/c/support-interne/$"))
    statut(page).get_by_role("link", name="Voir la publication").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    annonce = Post.objects.get(title="Nouvelle procédure d’astreinte")
    assert (annonce.kind, annonce.must_read) == (PostKind.ANNOUNCEMENT, True)
    expect(
        page.locator("article.post").get_by_text("Lecture obligatoire", exact=True)
    ).to_be_visible()
    run_queued_tasks()

    # Le membre est prévenu, ouvre l'annonce et confirme sa lecture.
    connexion("jules")
    expect(badge_non_lues(page)).to_have_text("1")
    expect(page.locator(f"#feed-post-{annonce.pk}")).to_contain_text("Lecture obligatoire")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.get_by_role(
        "link", name="Nouvelle annonce dans Équipe support : « Nouvelle procédure d’astreinte »"
    ).click()
    expect(page).to_have_url(re.compile(rf"/posts/{annonce.pk}/$"))
    recu = page.locator(f"#read-receipt-{annonce.pk}")
    expect(recu).to_contain_text("Cette annonce est à lire obligatoirement.")
    with page.expect_response(re.compile(rf"/posts/{annonce.pk}/read$")) as lu:
        recu.get_by_role("button", name="Je l’ai lue").click()
    assert lu.value.ok
    expect(recu).to_contain_text("Vous l’avez lue le")
    expect(recu.get_by_role("button", name="Je l’ai lue")).to_have_count(0)
    page.reload()
    expect(page.locator(f"#read-receipt-{annonce.pk}")).to_contain_text("Vous l’avez lue le")

    # Le nombre de lectures n'est pas (encore) affiché à l'animatrice sur la page : il est
    # vérifié dans la base.
    assert post_read_counts(annonce) == ReadCounts(read=1, members=2)


# --- (9) signaler une publication, la masquer en tant qu'animateur ------------------------------


@pytest.mark.e2e
def test_signaler_une_publication_puis_la_masquer(page: Page, live_server, connexion):
    karim = personne("karim", "Karim Animateur")
    cafe = communaute(karim, "Machine à café", "cafe")
    lea = personne("lea", "Léa Lectrice")
    mehdi = personne("mehdi", "Mehdi Message")
    membership_actions.community_join(person=lea, community=cafe)
    membership_actions.community_join(person=mehdi, community=cafe)
    post = post_actions.post_publish(
        author=mehdi,
        communities=[cafe],
        title="Vends voiture",
        body="Petite annonce sans rapport avec le café : appelez-moi.",
    )

    connexion("lea")
    page.goto(f"{live_server.url}/c/cafe/")
    page.locator(f"#post-{post.pk}").get_by_role("link", name="Vends voiture").click()
    page.locator("article.post").get_by_role("link", name="Signaler").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/report/$"))
    expect(page.get_by_role("heading", name="Signaler une publication", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Vends voiture")).to_be_visible()
    page.get_by_label("Pourquoi les modérateurs devraient-ils examiner ce contenu ?").fill(
        "Hors sujet : les petites annonces ont leur communauté."
    )
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))
    expect(statut(page)).to_contain_text("Merci : les modérateurs vont l’examiner.")

    # L'animateur passe de la gestion de sa communauté à la file de modération.
    connexion("karim")
    page.goto(f"{live_server.url}/c/cafe/")
    page.get_by_role("link", name="Gérer", exact=True).click()
    # « Moderation queue » : pas encore traduit, le lien est trouvé par son adresse.
    page.locator('main a[href="/moderation/"]').click()
    expect(page).to_have_url(re.compile(r"/moderation/$"))
    expect(page.get_by_role("heading", name="Modération", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Signalements en cours")).to_be_visible()
    signalement = page.locator("article.report")
    expect(signalement).to_have_count(1)
    expect(signalement).to_contain_text("Signalé par Léa Lectrice le")
    expect(signalement).to_contain_text("Hors sujet : les petites annonces ont leur communauté.")
    expect(signalement.get_by_role("link", name="Vends voiture")).to_be_visible()
    expect(signalement.get_by_role("link", name="Machine à café")).to_be_visible()
    signalement.get_by_role("button", name="Masquer la publication").click()
    expect(page).to_have_url(re.compile(r"/moderation/$"))
    expect(statut(page)).to_contain_text("La publication est masquée.")
    masques = page.locator(
        "section", has=page.get_by_role("heading", name="Contenus récemment masqués")
    )
    expect(masques.get_by_role("link", name="Vends voiture")).to_be_visible()
    expect(masques.get_by_role("button", name="Rétablir")).to_be_visible()
    post.refresh_from_db()
    assert post.hidden_at is not None

    # Un membre ne la trouve plus nulle part : 404, comme une publication qui n'existe pas.
    connexion("lea")
    assert page.goto(f"{live_server.url}/posts/{post.pk}/").status == 404
    page.goto(f"{live_server.url}/c/cafe/")
    expect(page.locator(f"#post-{post.pk}")).to_have_count(0)
    page.goto(f"{live_server.url}/")
    expect(page.locator(f"#feed-post-{post.pk}")).to_have_count(0)
