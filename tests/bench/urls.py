"""Rucher's URLs plus the benchmark's floor: an empty authenticated page in the site's layout,
through the full middleware stack (sessions, authentication, language, charter gate, CSRF, CSP,
htmx) and the context processors every page pays for. Reachable only with the bench settings."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

FLOOR_URL = "/__bench__/floor/"


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html", {})


urlpatterns = [
    path(FLOOR_URL.strip("/") + "/", floor, name="bench_floor"),
    path("", include("rucher.urls")),
]
