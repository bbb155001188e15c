"""`{% href %}` and `|timetag` (rucher/core/templatetags/fast.py) give exactly what `{% url %}`
and the date filters gave, in both languages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape

from rucher.core.templatetags import fast
from rucher.core.templatetags.fast import relative_when, url_for


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("profile", ["jean.dupont"]),
        ("profile", ["a@b+c-d_e"]),
        ("community", ["support-sav"]),
        ("tag", ["café"]),
        ("post", [12]),
        ("post_like", [9_999_999]),
        ("comment_edit", [3]),
        ("attachment", [5, "mon fichier é (1).pdf"]),
        ("attachment", [6, "100% sûr #2?.png"]),
    ],
)
def test_href_is_the_reversed_url(name, args):
    assert url_for(name, *args) == reverse(name, args=args)
    names = " ".join(f"a{i}" for i in range(len(args)))
    template = Template("{% load fast %}{% href name " + names + " %}")
    rendered = template.render(Context({"name": name} | {f"a{i}": a for i, a in enumerate(args)}))
    assert rendered == conditional_escape(reverse(name, args=args))


def test_href_refuses_a_missing_argument_like_reverse():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        url_for("post")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_timetag_is_the_date_filters(language, settings):
    moment = datetime(2026, 3, 8, 23, 30, 15, tzinfo=UTC)
    with translation.override(language):
        expected = Template(
            '<time datetime="{{ t|date:\'c\' }}" title="{{ t|date:"SHORT_DATETIME_FORMAT" }}">'
            '{{ t|date:"SHORT_DATETIME_FORMAT" }}</time>'
        ).render(Context({"t": moment}))
        assert Template("{% load fast %}{{ t|timetag }}").render(Context({"t": moment})) == expected
    assert Template("{% load fast %}{{ t|timetag }}").render(Context({"t": None})) == ""


@pytest.mark.parametrize(
    ("ago", "english", "french"),
    [
        (timedelta(seconds=20), "just now", "à l’instant"),
        (timedelta(minutes=1), "1 minute ago", "il y a 1 minute"),
        (timedelta(minutes=9), "9 minutes ago", "il y a 9 minutes"),
        (timedelta(hours=3), "3 hours ago", "il y a 3 heures"),
        (timedelta(days=1), "yesterday at 5:02 p.m.", "hier à 17:02"),
        (timedelta(days=3), None, None),
        (timedelta(minutes=-5), None, None),
    ],
)
def test_recent_moments_read_as_relative_dates(ago, english, french, settings):
    settings.TIME_ZONE = "Europe/Paris"
    now = datetime(2026, 12, 2, 16, 2, tzinfo=UTC)  # 17:02 in Paris
    with translation.override("en"):
        assert relative_when(now - ago, now) == english
    with translation.override("fr"):
        assert relative_when(now - ago, now) == french


def test_the_timetag_keeps_the_exact_date_on_hover():
    from django.utils import timezone

    moment = timezone.now() - timedelta(minutes=7)
    with translation.override("en"):
        html = Template("{% load fast %}{{ t|timetag }}").render(Context({"t": moment}))
    assert ">7 minutes ago</time>" in html and 'title="' in html


@pytest.mark.django_db
def test_avatars_are_initials_on_a_colour_of_their_own_or_the_photo():
    from rucher.core.factories import PersonFactory
    from rucher.core.templatetags.fast import avatar, initials

    assert initials("Camille Martin") == "CM"
    assert initials("élodie de la Tour") == "ÉT"
    assert initials("Jean-Pierre") == "JP"
    assert initials("") == "?"
    people = [PersonFactory(display_name=f"Personne {i}") for i in range(8)]
    colours = {avatar(p).split("avatar-c")[1][0] for p in people}
    assert len(colours) == 8  # consecutive people get different colours, not one orange for all
    first = people[0]
    assert avatar(first) == avatar(first)  # the same colour on every page
    assert 'aria-hidden="true">P0</span>' in avatar(first)
    first.photo = "photos/x.png"
    html = avatar(first, "small")
    assert f'src="/people/{first.username}/photo"' in html and 'loading="lazy"' in html
    assert 'loading="lazy"' not in avatar(first, "big")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 5, 0, 5, tzinfo=UTC),
        datetime(2026, 7, 14, 12, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
    ],
)
def test_the_short_date_is_djangos_in_every_language(language, moment) -> None:
    # French's numeric format goes through strftime, English's ("p.m.", "noon") through Django.
    with translation.override(language):
        local = timezone.localtime(moment)
        assert fast._short_datetime(local) == formats.date_format(local, "SHORT_DATETIME_FORMAT")


def test_a_format_with_names_is_left_to_django() -> None:
    assert fast._strftime_pattern("d/m/Y H:i") == "%d/%m/%Y %H:%M"
    assert fast._strftime_pattern("j F Y") is None
    assert fast._strftime_pattern(r"d \d\e m") is None
    assert fast._strftime_pattern("d%m") == "%d%%%m"
