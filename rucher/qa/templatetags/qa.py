"""{% question_state post as q %}: a question's state on its page (one query, cached on the
post so the thread's partial re-uses it)."""

from django import template

from rucher.content.models import Post, PostKind
from rucher.qa import selectors
from rucher.qa.models import Question

register = template.Library()


@register.simple_tag
def question_state(post: Post) -> Question | None:
    if post.kind != PostKind.QUESTION:
        return None
    if not hasattr(post, "_qa_state"):
        post._qa_state = selectors.question_state(post.pk)  # type: ignore[attr-defined]
    return post._qa_state  # type: ignore[attr-defined]
