"""Les questions dans Rucher, dans un vrai navigateur et en français : une membre pose une
question étiquetée #python dans une communauté qui promet un délai de réponse ; la tâche de
routage prévient l'experte (réputation gagnée en python) à la moitié du délai ; l'experte voit la
notification, ouvre la question et répond ; l'auteure accepte la réponse ; le profil de l'experte
montre la compétence reconnue « python » et le rapport des délais compte la question répondue.

Les tâches de fond passent par une file en mémoire, vidée par run_queued_tasks() entre les
étapes ; le routage reçoit une horloge explicite (`now`) plutôt que d'attendre quatre heures.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from rucher.accounts.models import User
from rucher.actions import likes as like_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Community
from rucher.communities.services import community_create
from rucher.content.models import Post, PostKind
from rucher.core.testing import run_queued_tasks
from rucher.qa.models import Question
from rucher.qa.services import questions_route_enqueue
from rucher.recognition.models import SkillReputation
from tests.e2e.helpers import personne

pytestmark = pytest.mark.french


def python_reputation(person: User) -> int:
    row = SkillReputation.objects.filter(person=person, tag__slug="python").first()
    return row.reputation if row else 0


@pytest.mark.e2e
def test_poser_une_question_router_vers_l_experte_repondre_et_accepter(
    page: Page, live_server, connexion
):
    olivier = personne("olivier", "Olivier Owner")
    communaute = community_create(
        creator=olivier,
        name="Club Python",
        slug="club-python",
        kind=Community.Kind.EXPERTISE,
        visibility=Community.Visibility.OPEN,
        description="Entraide Python.",
        answer_promise_hours=8,
    )
    alice = personne("alice", "Alice Questionneuse")
    eva = personne("eva", "Eva Experte")
    lea = personne("lea", "Léa Lectrice")
    for membre in (alice, eva, lea):
        membership_actions.community_join(person=membre, community=communaute)
    # La réputation d'Eva en python vient d'une publication étiquetée #python que Léa a aimée.
    astuce = post_actions.post_publish(
        author=eva,
        communities=[communaute],
        body="Astuce : `python -X importtime` montre ce qui ralentit le démarrage. #python",
    )
    like_actions.post_like(person=lea, post=astuce)
    run_queued_tasks()
    avant = python_reputation(eva)
    assert avant > 0

    # (1) Alice pose une question étiquetée python, par le formulaire de publication.
    connexion("alice")
    page.goto(f"{live_server.url}/posts/new/?community=club-python")
    formulaire = page.locator("form", has=page.get_by_label("Texte"))
    expect(formulaire.get_by_role("checkbox", name="Club Python")).to_be_checked()
    formulaire.get_by_label("Question", exact=True).check()
    formulaire.get_by_label("Titre").fill("Comment lire un gros CSV sans saturer la mémoire ?")
    formulaire.get_by_label("Texte").fill("Mon script plante sur un fichier de 4 Go. Des idées ?")
    formulaire.get_by_label("Étiquettes").fill("Python")
    formulaire.get_by_role("button", name="Publier").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    question_post = Post.objects.get(author=alice, kind=PostKind.QUESTION)
    question = Question.objects.get(post=question_post)
    assert question.promise_hours == 8
    assert question.due_at is not None and question.route_experts_at is not None
    assert list(question_post.tags.values_list("slug", flat=True)) == ["python"]
    expect(page.locator(".question-state")).to_contain_text("Sans réponse")
    run_queued_tasks()

    # (2) La tâche de routage passe à la moitié du délai : Eva est prévenue, pas Alice.
    moitie = question.route_experts_at + timedelta(minutes=1)
    assert moitie < question.route_leaders_at
    assert questions_route_enqueue(now=moitie) == 1
    run_queued_tasks()
    question.refresh_from_db()
    assert question.routed_stage == Question.Stage.EXPERTS

    connexion("eva")
    page.goto(f"{live_server.url}/notifications/")
    avis = page.get_by_role("link", name=re.compile(r"Pouvez-vous aider .*gros CSV"))
    expect(avis).to_be_visible()
    avis.click()
    expect(page).to_have_url(re.compile(rf"/posts/{question_post.pk}/"))
    expect(page.get_by_role("heading", name=re.compile("gros CSV"))).to_be_visible()

    # (3) Eva répond (un commentaire sur la question).
    commentaire = page.locator("form.comment-form")
    commentaire.get_by_label("Commentaire").fill(
        "Lis-le par morceaux : `pandas.read_csv(..., chunksize=100_000)`."
    )
    commentaire.get_by_role("button", name="Commenter").click()
    # Published without reloading the page (htmx): the address stays the question's.
    expect(page).to_have_url(re.compile(rf"/posts/{question_post.pk}/"))
    expect(page.locator("#comments article.comment")).to_contain_text("chunksize")
    expect(page.locator(".question-state")).to_contain_text("Répondue")
    # Seule l'auteure (ou un animateur) accepte une réponse.
    expect(page.get_by_role("button", name="Accepter cette réponse")).to_have_count(0)
    run_queued_tasks()

    # (4) Alice accepte la réponse d'Eva.
    connexion("alice")
    page.goto(f"{live_server.url}/posts/{question_post.pk}/")
    page.get_by_role("button", name="Accepter cette réponse").click()
    expect(page.locator(".question-state")).to_contain_text("Réponse acceptée")
    expect(page.get_by_role("button", name="Accepter cette réponse")).to_have_count(0)
    question.refresh_from_db()
    assert question.accepted_comment is not None
    assert question.accepted_comment.author_id == eva.pk
    run_queued_tasks()

    # (5) Le profil d'Eva montre la compétence reconnue « python » avec sa réputation.
    apres = python_reputation(eva)
    assert apres > avant
    page.goto(f"{live_server.url}/people/eva/")
    competences = page.locator(".earned-skills")
    expect(competences.get_by_role("heading", name="Compétences reconnues")).to_be_visible()
    expect(competences.get_by_role("link", name="python")).to_be_visible()
    expect(competences).to_contain_text(str(apres))

    # (6) Le rapport des délais compte la question, répondue dans le délai promis.
    page.goto(f"{live_server.url}/questions/report/")
    expect(page.get_by_role("heading", name="Délais de réponse", level=1)).to_be_visible()
    expect(page.locator("#report-questions")).to_have_text("1")
    expect(page.locator("#report-answered")).to_have_text("1")
    expect(page.locator("#report-within")).to_contain_text("1 (100 %)")
    ligne = page.locator(".report-table tbody tr", has_text="Club Python")
    expect(ligne.locator("td")).to_have_text(["Club Python", "1", "1", "1", re.compile(r"\d")])
    expect(page.get_by_text("Aucune question en retard.")).to_be_visible()
