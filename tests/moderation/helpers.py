"""Posts and comments written straight to the database (the post services are built apart)."""

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.models import Comment, Post, PostCommunity
from rucher.core.markdown import render_markdown


def make_post(
    author: User, *communities: Community, body: str = "Un *message*.", title: str = ""
) -> Post:
    post = Post.objects.create(
        author=author, title=title, body=body, body_html=render_markdown(body)
    )
    for community in communities:
        PostCommunity.objects.create(post=post, community=community, created_at=post.created_at)
    return post


def make_comment(author: User, post: Post, body: str = "Un commentaire.") -> Comment:
    comment = Comment.objects.create(
        post=post, author=author, body=body, body_html=render_markdown(body)
    )
    Post.objects.filter(pk=post.pk).update(comment_count=post.comments.count())
    return comment
