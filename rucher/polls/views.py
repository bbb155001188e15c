"""Web pages of polls: the community's Polls tab, asking a poll, voting and results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rucher.actions import polls as poll_actions
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.polls import selectors, services
from rucher.polls.access import access_poll
from rucher.polls.forms import PollForm


@login_required
@require_GET
def community_polls(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.POLLS)
    return render(
        request,
        "polls/community_polls.html",
        {
            "c": found,
            "polls": selectors.community_polls(viewer, found),
            "can_post": community_access.is_member(viewer, found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def poll_new(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.POLLS)
    if not community_access.is_member(viewer, found):
        raise Http404
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            poll = poll_actions.poll_ask(
                author=viewer,
                community=found,
                question=data["question"],
                choices=data["choices"].splitlines(),
                multiple=data["multiple"],
                anonymous=data["anonymous"],
                closes_at=data["closes_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("poll", poll.pk)
    return render(request, "polls/poll_form.html", {"c": found, "form": form})


@login_required
@require_GET
def poll_detail(request: HttpRequest, poll_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    poll = access_poll(viewer, poll_id)
    return render(
        request,
        "polls/poll.html",
        {"c": poll.community, "poll": poll, "results": selectors.results(poll, viewer)},
    )


@login_required
@require_POST
def poll_vote(request: HttpRequest, poll_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    poll = access_poll(viewer, poll_id)
    try:
        picked = [int(v) for v in request.POST.getlist("choice")]
        services.vote(person=viewer, poll_id=poll.pk, choices=picked)
    except ValueError:
        messages.error(request, _("This choice does not exist."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("poll", poll.pk)
