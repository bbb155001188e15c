"""rucher.qa.cards: the Jinja-rendered items of a question list."""

from datetime import UTC, datetime
from types import SimpleNamespace

from django.utils import translation

from rucher.qa import cards


def _question(**fields):
    post = SimpleNamespace(
        title="Quel outil ?",
        body="",
        author=None,
        comment_count=1,
        visible_communities=[],
        tag_list=[SimpleNamespace(slug="python")],
    )
    base = dict(
        post_id=7,
        post=post,
        accepted_comment_id=None,
        first_answer_at=None,
        due_at=None,
        asked_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    )
    return SimpleNamespace(**(base | fields))


def test_an_answered_question_says_so_in_the_singular_in_french() -> None:
    with translation.override("fr"):
        html = cards.question_items(
            [_question(first_answer_at=datetime(2026, 11, 2, 10, 0, tzinfo=UTC))]
        )
    # The list's filter says « Répondues »; one question is « Répondue ».
    assert ">Répondue<" in html
    assert "1 commentaire" in html
    assert 'href="?tag=python"' in html


def test_the_title_is_escaped() -> None:
    item = _question()
    item.post.title = "<script>alert(1)</script>"
    html = cards.question_items([item])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
