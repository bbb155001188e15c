"""`|typo`: no-break spaces for French typography, without breaking escaping, tags, URLs or
times."""

from django.template import Context, Template
from django.utils.safestring import SafeString, mark_safe

from rucher.core.templatetags.typo import typo

NB = "\u00a0"


def test_it_makes_the_spaces_before_high_punctuation_and_inside_guillemets_unbreakable():
    assert typo("Quoi de neuf ? Rappel : lisez « Budget » ; 15 % !") == (
        f"Quoi de neuf{NB}? Rappel{NB}: lisez «{NB}Budget{NB}»{NB}; 15{NB}%{NB}!"
    )


def test_it_leaves_urls_times_and_missing_spaces_alone():
    text = "Voir https://exemple.fr/a?b=1 à 14:02"
    assert typo(text) == text


def test_it_escapes_unsafe_text_first_and_returns_safe_html():
    result = typo('<script>alert("x")</script> ?')
    assert isinstance(result, SafeString)
    assert result == f"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;{NB}?"


def test_it_keeps_entities_and_leaves_tags_of_safe_html_alone():
    html = mark_safe('<a href="/x" title="a : b">Tom &amp; Jerry</a> : « ok »')
    assert typo(html) == f'<a href="/x" title="a : b">Tom &amp; Jerry</a>{NB}: «{NB}ok{NB}»'


def test_in_a_template_with_autoescape():
    rendered = Template("{% load typo %}{{ v|typo }}|{% filter typo %}« {{ v }} »{% endfilter %}")
    out = rendered.render(Context({"v": "<b>A</b> ?"}))
    assert out == f"&lt;b&gt;A&lt;/b&gt;{NB}?|«{NB}&lt;b&gt;A&lt;/b&gt;{NB}?{NB}»"


def test_working_hours_read_as_the_language_wants():
    from django.utils import translation

    from rucher.core.templatetags.typo import working_hours

    with translation.override("fr"):
        assert working_hours(1.5) == "1,5 heure ouvrée"
        assert working_hours(1) == "1 heure ouvrée"
        assert working_hours(2.25) == "2,2 heures ouvrées" or working_hours(2.25) == (
            "2,3 heures ouvrées"
        )
        assert working_hours(10.0) == "10 heures ouvrées"
    with translation.override("en"):
        assert working_hours(1.5) == "1.5 working hours"
        assert working_hours(1) == "1 working hour"
    assert working_hours(None) == ""
