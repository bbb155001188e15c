"""The index and its queries, the same on SQLite (FTS5 + Snowball) and PostgreSQL (tsvector):
stemming and accents in French and English, ranking, filters, bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rucher.actions import comments as comment_actions
from rucher.actions import posts as post_actions
from rucher.search import selectors
from rucher.search.selectors import Filters, SearchError

pytestmark = pytest.mark.django_db


def found(viewer, q, **filters):
    return [
        (hit.type, hit.key)
        for hit in selectors.search(viewer, q=q, filters=Filters(**filters)).items
    ]


def publish(world, body, *, title="", community="open", kind="post", author="owner"):
    return post_actions.post_publish(
        author=world.people[author],
        communities=[world.communities[community]],
        kind=kind,
        title=title,
        body=body,
    )


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Nous allons partager nos notes", "partage"),
        ("Le document est partagé", "partager"),
        ("La réunion de lundi", "réunions"),
        ("Three meetings this week", "meeting"),
        ("L'école est fermée", "ecole"),
        ("Une ecole ouverte", "école"),
        ("ÉLÈVES en visite", "eleves"),
    ],
)
def test_it_stems_and_folds_accents_in_french_and_english(world, text, query):
    post = publish(world, text)
    assert ("post", post.pk) in found(world.people["member"], query)


def test_a_title_match_ranks_above_a_body_match(world):
    in_body = publish(world, "Nous parlons de la migration des serveurs", title="Compte rendu")
    in_title = publish(world, "Les détails suivent.", title="Migration des serveurs")
    results = found(world.people["member"], "migration")
    assert results.index(("post", in_title.pk)) < results.index(("post", in_body.pk))


def test_the_websearch_syntax_works_and_operators_are_only_text(world):
    both = publish(world, "café crème au comptoir")
    only = publish(world, "café noir au comptoir")
    member = world.people["member"]
    assert found(member, "café -crème") == [("post", only.pk)]
    assert ("post", both.pk) in found(member, '"café crème"')
    assert ("post", only.pk) not in found(member, '"café crème"')
    assert {("post", both.pk), ("post", only.pk)} <= set(found(member, "crème or noir"))
    for nasty in ["-", '"', "*", '" OR 1=1 --', "NEAR(a b)", "a:*", "x\x00y", "'); DROP TABLE x;"]:
        selectors.search(member, q=nasty)  # never an error


def test_operators_only_find_nothing(world):
    publish(world, "anything at all")
    for q in ["-", '"', "*", '""', "-anything"]:
        assert found(world.people["member"], q) == []


def test_comments_and_questions_are_found_with_their_status(world):
    question = publish(world, "Comment configurer le proxy ?", title="Proxy", kind="question")
    answer = comment_actions.comment_publish(
        author=world.people["member"], post=question, body="Regarde la configuration réseau"
    )
    member = world.people["member"]
    page = selectors.search(member, q="proxy")
    [hit] = [h for h in page.items if h.key == question.pk]
    assert hit.type == "question"
    assert hit.status == "answered"
    assert hit.community == world.communities["open"]
    assert ("comment", answer.pk) in found(member, "configurations")
    assert found(member, "configuration", types=["question"]) == [("question", question.pk)]
    assert found(member, "configuration", types=["comment"]) == [("comment", answer.pk)]


def test_snippets_are_highlighted_and_escaped(world):
    publish(world, "Un <script>alert(1)</script> dans la réunion de lundi")
    [hit] = selectors.search(world.people["member"], q="reunion").items
    assert "<mark>réunion</mark>" in hit.snippet
    assert "<script>" not in hit.snippet


def test_edits_reindex_and_deletes_unindex(world):
    post = publish(world, "Texte original sur les abeilles")
    member = world.people["member"]
    post_actions.post_edit(editor=world.people["owner"], post=post, body="Texte sur les frelons")
    assert found(member, "abeilles") == []
    assert found(member, "frelons") == [("post", post.pk)]
    comment = comment_actions.comment_publish(author=member, post=post, body="Des ruches")
    comment_actions.comment_edit(editor=member, comment=comment, body="Des essaims")
    assert found(member, "ruches") == []
    assert found(member, "essaim") == [("comment", comment.pk)]
    comment_actions.comment_remove(actor=member, comment=comment)
    assert found(member, "essaim") == []
    post_actions.post_remove(actor=world.people["owner"], post=post)
    assert found(member, "frelons") == []


def test_every_post_kind_is_indexed(world):
    for kind in ("post", "article", "announcement", "idea", "discussion"):
        post = publish(world, f"Contenu {kind} pollinisation", kind=kind, author="manager")
        assert ("post", post.pk) in found(world.people["member"], "pollinisation")


def test_filters_by_community_author_and_dates(world):
    in_open = publish(world, "Les hirondelles arrivent", community="open")
    in_private = publish(world, "Les hirondelles repartent", community="private", author="member")
    member = world.people["member"]
    assert set(found(member, "hirondelle")) == {("post", in_open.pk), ("post", in_private.pk)}
    assert found(member, "hirondelle", community=world.communities["private"]) == [
        ("post", in_private.pk)
    ]
    assert found(member, "hirondelle", author=world.people["member"]) == [("post", in_private.pk)]
    now = timezone.now()
    assert found(member, "hirondelle", since=now + timedelta(minutes=1)) == []
    assert len(found(member, "hirondelle", since=now - timedelta(hours=1))) == 2
    assert found(member, "hirondelle", until=now - timedelta(hours=1)) == []


def test_pages_follow_each_other_with_cursors(world):
    posts = [publish(world, f"Essaim numéro {i}") for i in range(5)]
    member = world.people["member"]
    seen = []
    cursor = None
    while True:
        page = selectors.search(member, q="essaim", cursor=cursor, limit=2)
        seen += [hit.key for hit in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(p.pk for p in posts)


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("", "empty_query"),
        ("   ", "empty_query"),
        ("\x00", "empty_query"),
        ("a" * 201, "query_too_long"),
    ],
)
def test_bad_queries_are_errors(q, code):
    with pytest.raises(SearchError) as error:
        selectors.check_query(q)
    assert error.value.code == code


def test_unknown_type_and_unreadable_community_are_errors(world):
    with pytest.raises(SearchError) as error:
        selectors.check_types(["post", "nonsense"])
    assert error.value.code == "unknown_type"
    assert "community" in error.value.allowed
    with pytest.raises(SearchError) as error:
        selectors.check_community(world.people["outsider"], world.communities["private"].slug)
    assert error.value.code == "unknown_community"
    assert selectors.check_community(world.people["member"], world.communities["private"].slug)


def test_similar_questions(world):
    accepted = publish(
        world, "Je ne trouve pas", title="Réserver une salle de réunion", kind="question"
    )
    publish(world, "Hors sujet", title="Repas de midi", kind="question")
    publish(world, "Pas une question", title="Réserver une salle")
    secret = publish(
        world, "Secret", title="Réserver la salle secrète", kind="question", community="secret"
    )
    hits = selectors.similar_questions(world.people["outsider"], title="Comment réserver une salle")
    keys = [hit.key for hit in hits]
    assert keys[0] == accepted.pk
    assert secret.pk not in keys
    assert all(hit.type == "question" for hit in hits)
    assert len(hits) <= 5


def test_the_rebuild_command_refills_the_index(world, capsys):
    from django.core.management import call_command

    from rucher.search import services
    from rucher.search.models import SearchEntry

    post = publish(world, "Le rucher communal", kind="question")
    comment = comment_actions.comment_publish(
        author=world.people["member"], post=post, body="Les ruchers voisins"
    )
    services.index_community(community=world.communities["open"])
    SearchEntry.objects.all().delete()
    assert found(world.people["member"], "rucher") == []
    call_command("search_rebuild", "--no-progress")
    out = capsys.readouterr().out
    assert "Search index rebuilt" in out
    member = world.people["member"]
    assert set(found(member, "rucher", types=["question", "comment"])) == {
        ("question", post.pk),
        ("comment", comment.pk),
    }
    assert ("community", "open-club") in found(member, "open club")
    assert ("person", "member") in found(member, "member")
    before = SearchEntry.objects.count()
    call_command("search_rebuild", "--no-progress")  # again: the same index, nothing twice
    assert SearchEntry.objects.count() == before


def test_thanks_are_indexed_like_any_post(world):
    from rucher.actions import kudos as kudos_actions

    kudos = kudos_actions.kudos_give(
        giver=world.people["owner"],
        community=world.communities["open"],
        to=world.people["member"],
        message="Merci pour la migration impeccable",
        value="Entraide",
    )
    assert ("post", kudos.post_id) in found(world.people["outsider"], "impeccable")
