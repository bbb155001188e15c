"""`{% href %}` and `|timetag` (rucher/core/templatetags/fast.py) give exactly what `{% url %}`
and the date filters gave, in both languages."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape

from rucher.core.templatetags.fast import url_for


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
            '<time datetime="{{ t|date:\'c\' }}">{{ t|date:"SHORT_DATETIME_FORMAT" }}</time>'
        ).render(Context({"t": moment}))
        assert Template("{% load fast %}{{ t|timetag }}").render(Context({"t": moment})) == expected
    assert Template("{% load fast %}{{ t|timetag }}").render(Context({"t": None})) == ""
