"""Warm a web process up before its first request, then keep the collector off what it loaded.

A worker holds about 300,000 objects once Django, the apps, the URLconf and the templates are
loaded. None of them is ever garbage, yet every full collection (one request in ten on the home
page) walked them all: 130 ms per collection, 13 ms per request on average (docs/performance.md,
issue 23). `gc.freeze()` moves what is alive now to a generation the collector never scans;
what requests allocate is still collected as before.
"""

import gc
import logging

logger = logging.getLogger(__name__)

# The layout every page renders (Django), and the cards of the busiest lists (Jinja2).
TEMPLATES = ("base.html",)
JINJA_TEMPLATES = ("content/_feed_item.jinja", "content/_thread.jinja", "content/_like.jinja")


def warm_up() -> None:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.urls import get_resolver

    from rucher.core.jinja import environment

    # Imports every view module (and what they import) instead of at the first request.
    get_resolver().url_patterns  # noqa: B018 (the property loads the URLconf)
    for name in TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:  # pragma: no cover - a renamed template must not stop a worker
            logger.warning("warm-up: no template %s", name)
    for name in JINJA_TEMPLATES:
        environment().get_template(name)
    gc.collect()
    gc.freeze()
