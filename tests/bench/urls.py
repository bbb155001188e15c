"""Rucher's URLs plus the benchmark's two floors, reachable only with the bench settings
(tests/bench/settings.py), never in production's URLconf:

- the product floor, `/__bench__/floor/`: an empty authenticated page in the site's layout,
  through the full middleware stack (sessions, authentication, language, charter gate, CSRF,
  CSP, htmx) and the context processors every page pays for;
- the framework floor, `/__bench__/framework/`: what Django itself costs for a page that lists
  20 things — one 20-row query, a minimal template, no layout, no context processor — behind
  the same middleware, so the table shows how far the product's floor is from the framework's.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.urls import include, path

from rucher.content.models import Post

FLOOR_URL = "/__bench__/floor/"
FRAMEWORK_URL = "/__bench__/framework/"

# Compiled once per process, as Django's cached template loader would; a plain Template has no
# context processors (request context is not used).
_FRAMEWORK_TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Posts</title></head>'
    "<body><ul>{% for post in posts %}"
    '<li><a href="/posts/{{ post.pk }}/">{{ post.title|default:post.body|truncatechars:80 }}</a>'
    ' {{ post.created_at|date:"Y-m-d H:i" }}</li>'
    "{% endfor %}</ul></body></html>"
)


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html", {})


@login_required
def framework(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.only("pk", "title", "body", "created_at").order_by("-pk")[:20]
    return HttpResponse(_FRAMEWORK_TEMPLATE.render({"posts": posts}))


urlpatterns = [
    path(FLOOR_URL.strip("/") + "/", floor, name="bench_floor"),
    path(FRAMEWORK_URL.strip("/") + "/", framework, name="bench_framework"),
    path("", include("rucher.urls")),
]
