"""The community toolbox in a real browser, in French: a manager turns the idea box on, a member
proposes an idea, two colleagues vote, the manager accepts it with an answer, and the author
sees the status, the points and the notification; a member writes a blog article with a cover
and finds it from her profile."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from rucher.actions import memberships as membership_actions
from rucher.communities.models import Community
from rucher.communities.services import community_create, membership_set_role
from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.recognition.models import PersonScore
from rucher.toolbox.models import ArticleCover, Idea


def _club(owner):
    club = community_create(
        creator=owner,
        name="Club vélo",
        slug="club-velo",
        kind=Community.Kind.INTEREST,
        visibility=Community.Visibility.OPEN,
        description="On roule.",
    )
    club.tabs_off = "ideas"
    club.save(update_fields=["tabs_off"])
    return club


def _switch(page: Page, login, username: str) -> None:
    page.context.clear_cookies()
    login(username)


@pytest.mark.e2e
def test_an_idea_is_proposed_voted_and_accepted(page: Page, live_server, login):
    owner = PersonFactory(username="olga", display_name="Olga Animatrice", language="fr")
    author = PersonFactory(username="ines", display_name="Inès Idée", language="fr")
    voters = [
        PersonFactory(username=f"v{n}", display_name=f"Votant {n}", language="fr") for n in (1, 2)
    ]
    club = _club(owner)
    for person in (author, *voters):
        membership_actions.community_join(person=person, community=club)
    membership_set_role(actor=owner, community=club, person=owner, role="owner")

    login("olga")
    page.goto(f"{live_server.url}/c/club-velo/")
    expect(page.get_by_role("link", name="Idées")).to_have_count(0)
    page.goto(f"{live_server.url}/c/club-velo/manage/")
    page.get_by_label("Idées").check()
    page.get_by_role("button", name="Enregistrer les onglets").click()
    expect(page.get_by_role("link", name="Idées")).to_be_visible()

    _switch(page, login, "ines")
    page.goto(f"{live_server.url}/c/club-velo/ideas/")
    page.get_by_role("link", name="Proposer une idée").click()
    page.get_by_label("Titre").fill("Des arceaux à vélo devant l’entrée")
    page.get_by_label("Texte").fill("Pour garer nos vélos en sécurité.")
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("heading", name="Des arceaux à vélo devant l’entrée")).to_be_visible()
    idea_url = page.url

    for voter in ("v1", "v2"):
        _switch(page, login, voter)
        page.goto(f"{live_server.url}/c/club-velo/ideas/")
        page.get_by_role("button", name=re.compile("Voter")).click()
        expect(page.get_by_role("button", name=re.compile("Voté"))).to_be_visible()
    post_id = int(re.search(r"/posts/(\d+)/", idea_url)[1])
    assert Idea.objects.get(post_id=post_id).vote_count == 2

    _switch(page, login, "olga")
    page.goto(idea_url)
    page.get_by_text("Changer le statut").click()
    page.get_by_label("Statut").select_option("accepted")
    page.get_by_label("Réponse publique").fill("Adoptée : pose la semaine prochaine.")
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_text("Adoptée : pose la semaine prochaine.")).to_be_visible()
    run_queued_tasks()

    _switch(page, login, "ines")
    page.goto(idea_url)
    expect(page.locator(".idea-status").first).to_have_text("Retenue")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_text(re.compile("a répondu à l’idée"))).to_be_visible()
    page.goto(f"{live_server.url}/people/ines/points/")
    expect(page.get_by_text("Idée retenue").first).to_be_visible()
    assert PersonScore.objects.get(person=author).total >= 20


@pytest.mark.e2e
def test_an_article_with_a_cover_is_found_from_the_profile(
    page: Page, live_server, login, tmp_path
):
    owner = PersonFactory(username="olga", display_name="Olga Animatrice", language="fr")
    club = _club(owner)
    writer = PersonFactory(username="bea", display_name="Béa Blog", language="fr")
    membership_actions.community_join(person=writer, community=club)
    cover = tmp_path / "couverture.png"
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), (30, 120, 200)).save(buffer, format="PNG")
    cover.write_bytes(buffer.getvalue())

    login("bea")
    page.goto(f"{live_server.url}/c/club-velo/blog/")
    page.get_by_role("link", name="Écrire un article").click()
    page.get_by_label("Titre").fill("Notre sortie du dimanche")
    page.get_by_label("Image de couverture").set_input_files(str(cover))
    page.get_by_label("Texte").fill(
        "## Le parcours\n\nSoixante kilomètres.\n\n## La pause\n\nCafé."
    )
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("heading", name="Notre sortie du dimanche")).to_be_visible()
    expect(page.locator(".article-cover-full img")).to_be_visible()
    assert ArticleCover.objects.get().width == 1600

    page.goto(f"{live_server.url}/people/bea/")
    page.get_by_role("link", name="Blog", exact=True).click()
    expect(page.get_by_role("link", name="Notre sortie du dimanche")).to_be_visible()
    expect(page.locator(".article-cover img")).to_be_visible()
