"""Markdown rendering is sanitised: no script, no event handler, no javascript: link."""

import re

from rucher.core.markdown import render_markdown


def _tags(html: str) -> list[str]:
    """The real tags of the output (escaped text such as &lt;script&gt; is harmless)."""
    return re.findall(r"<[^>]*>", html)


def test_it_renders_basic_markdown():
    html = render_markdown("**bold** and *em*\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<li>one</li>" in html


def test_it_never_outputs_a_script_tag():
    html = render_markdown("hi <script>alert(1)</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html  # shown as text, never run


def test_it_strips_event_handlers_from_raw_html():
    html = render_markdown('<img src="x" onerror="alert(1)">\n\n<a href="#" onclick="x()">a</a>')
    assert not [t for t in _tags(html) if "onerror" in t or "onclick" in t]
    assert not [t for t in _tags(html) if t.startswith("<img")]


def test_it_drops_javascript_links():
    html = render_markdown(
        "[click](javascript:alert(1)) [b](JavaScript:alert(3)) <a href='javascript:alert(2)'>x</a>"
    )
    assert not [t for t in _tags(html) if "javascript" in t.lower()]
    assert "<a" not in html


def test_it_drops_javascript_image_sources():
    html = render_markdown("![x](javascript:alert(1))")
    assert not [t for t in _tags(html) if "javascript" in t.lower()]


def test_it_adds_noopener_nofollow_to_links():
    html = render_markdown("[site](https://example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="noopener nofollow"' in html


def test_it_keeps_mailto_links():
    html = render_markdown("[me](mailto:bob@example.org)")
    assert 'href="mailto:bob@example.org"' in html


def test_it_handles_empty_text():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""  # type: ignore[arg-type]


def test_it_keeps_only_the_allowed_tags_from_its_own_output():
    html = render_markdown("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~")
    assert "<h1>Title</h1>" in html
    assert "<table>" in html
    assert "<s>gone</s>" in html  # strikethrough is enabled, so it must survive


def test_it_links_bare_urls_with_a_safe_rel():
    html = render_markdown("Voir https://intranet.example.org/doc?id=3#part et www.rucher.fr.")
    assert (
        '<a href="https://intranet.example.org/doc?id=3#part" rel="noopener nofollow">'
        "https://intranet.example.org/doc?id=3#part</a>" in html
    )
    assert '<a href="http://www.rucher.fr" rel="noopener nofollow">www.rucher.fr</a>' in html


def test_it_leaves_code_and_unsafe_schemes_alone():
    html = render_markdown("`https://in.code.example` and javascript:alert(1) and data:text/html,x")
    assert "<code>https://in.code.example</code>" in html
    assert [t for t in _tags(html) if t.startswith("<a")] == []
