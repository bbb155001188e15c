"""What a new post or a post like earns (points, skill reputation, the first contribution),
run in the request or, with RUCHER_DEFERRED_RECOGNITION, by a background task after commit
(rucher.actions.tasks). Both paths run these functions, which read the rows again under a lock:

- a like's effects lock the like row: an unlike deletes that row, so it waits for the grant
  to commit and then withdraws it, or the task finds the like gone and grants nothing;
- a post's effects lock the post row: a deletion (rucher.actions.posts.post_remove) or a
  moderation hide waits likewise, and a post deleted or hidden first earns nothing.
Grants are keyed (`post:<id>`, `post_like:<like id>`, reputation per tag and like), so a task
retried after a crash grants nothing twice, and `rucher points_check` stays exact.
"""

from django.db import transaction

from rucher.accounts.models import User
from rucher.content.models import Post, PostLike
from rucher.recognition import points
from rucher.recognition import services as recognition


@transaction.atomic
def post_published_recognition(*, post_id: int) -> None:
    post = Post.objects.select_for_update(of=("self",)).filter(pk=post_id).first()
    if post is None:
        return
    recognition.first_contribution_published(post=post)
    points.points_on_post_created(post=post)


@transaction.atomic
def post_liked_recognition(*, post_id: int, liker_id: int) -> None:
    like = (
        PostLike.objects.select_for_update(of=("self",))
        .filter(post_id=post_id, person_id=liker_id)
        .first()
    )
    if like is None:
        return
    post = Post.objects.filter(pk=post_id).first()
    liker = User.objects.filter(pk=liker_id).first()
    if post is None or liker is None:
        return
    points.points_on_post_like(post=post, liker_id=liker_id, liked=True)
    recognition.reputation_on_post_like(post=post, liker=liker, liked=True)
