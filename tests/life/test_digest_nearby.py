"""The weekly digest's "new near you": open services published at the person's site."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rucher.core.factories import PersonFactory
from rucher.life import services
from rucher.mail.digests import digest_build_for, digest_context

pytestmark = pytest.mark.django_db


def test_the_weekly_digest_shows_new_services_of_my_site(member, paris, lyon):
    # bob's site is Lyon.
    author = PersonFactory()
    near = services.service_create(author=author, kind="offer", category="sport", title="Yoga")
    near.site = lyon
    near.save(update_fields=["site"])
    services.service_create(author=author, kind="offer", category="meal", title="Repas", site=paris)
    closed = services.service_create(
        author=author, kind="offer", category="other", title="Vélo", site=lyon
    )
    services.service_close(actor=author, service=closed)
    services.service_create(author=member, kind="offer", category="other", title="Mine", site=lyon)
    now = timezone.now() + timedelta(minutes=1)
    digest = digest_build_for(member, "weekly", now)
    assert [s.title for s in digest.nearby] == ["Yoga"]
    assert digest.has_news
    assert digest.nearby[0].url.endswith(f"/services/{near.pk}/")
    assert digest_build_for(member, "daily", now).nearby == []


def test_the_section_is_rendered_in_the_readers_language(member, lyon):
    from django.template.loader import render_to_string
    from django.utils import translation

    services.service_create(
        author=PersonFactory(),
        kind="offer",
        category="carpool",
        title="Lyon → Paris",
        site=lyon,
        from_place="Lyon",
        to_place="Paris",
        starts_on=timezone.localdate() + timedelta(days=2),
        seats=2,
    )
    digest = digest_build_for(member, "weekly", timezone.now() + timedelta(minutes=1))
    with translation.override("fr"):
        text = render_to_string("mail/digest.txt", {**digest_context(digest), "recipient": member})
    assert "Nouveau près de chez vous" in text
    assert "Lyon → Paris — Covoiturage, Lyon" in text
