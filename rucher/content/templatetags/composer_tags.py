"""The composer ("What's new?"): one form to post or ask, at the top of the home feed and of a
community page, posting to the same view and services as the full "New post" page."""

from typing import Any

from django import template

from rucher.communities.models import Community
from rucher.content import selectors
from rucher.content.forms import PostForm

register = template.Library()


def composer_communities(viewer: Any, first: Community | None = None) -> list[Community]:
    """The communities the viewer may post in, the current one (if any) first, then by name."""
    communities = list(selectors.member_communities_for_posting(viewer))
    if first is not None:
        communities.sort(key=lambda c: c.pk != first.pk)
    return communities


@register.inclusion_tag("content/_composer.html", takes_context=True)
def composer(context: template.Context, community: Community | None = None) -> dict[str, Any]:
    request = context["request"]
    communities = composer_communities(request.user, community)
    form = PostForm(
        community_choices=[(c.slug, c.name) for c in communities],
        initial={"communities": [community.slug] if community else []},
        auto_id="composer_%s",
    )
    return {
        "form": form,
        "communities": communities,
        "compact": True,
        "csrf_token": context.get("csrf_token"),
        "request": request,
        "community": community,
        # Published, the author comes back here (the feed, the community page).
        "next": request.get_full_path(),
    }
