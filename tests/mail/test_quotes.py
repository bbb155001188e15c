"""Quoted text and signatures stripped from replies, as real mail clients write them (French and
English), and HTML-only email turned into safe text."""

import pytest

from rucher.mail import quotes
from rucher.mail.quotes import html_to_text, strip_reply, strip_signature

NBSP = "\u00a0"
NNBSP = "\u202f"

SAMPLES = {
    "gmail_en": (
        "Thanks, I'll have a look tomorrow.\n\n"
        "On Mon, Jan 8, 2024 at 10:03 AM Rucher <noreply@rucher.example.org> wrote:\n\n"
        "> Camille commented on your post\n> > Hello\n",
        "Thanks, I'll have a look tomorrow.",
    ),
    "gmail_en_wrapped": (
        "Sounds good!\n\n"
        "On Mon, Jan 8, 2024 at 10:03 AM Camille Dupont via Rucher <\n"
        "noreply@rucher.example.org> wrote:\n\n"
        "> Camille commented on your post\n",
        "Sounds good!",
    ),
    "gmail_fr": (
        "Merci, je regarde demain.\n\n"
        f"Le lun. 8 janv. 2024 à 10:03, Rucher <noreply@rucher.example.org> a écrit{NBSP}:\n\n"
        "> Camille a commenté votre publication\n",
        "Merci, je regarde demain.",
    ),
    "gmail_fr_wrapped": (
        "D'accord, c'est noté.\n\n"
        "Le lun. 8 janv. 2024 à 10:03, Camille Dupont via Rucher <\n"
        f"noreply@rucher.example.org> a écrit{NNBSP}:\n\n"
        "> Camille a commenté votre publication\n",
        "D'accord, c'est noté.",
    ),
    "outlook_en": (
        "Will do.\r\n\r\n"
        "________________________________\r\n"
        "From: Rucher <noreply@rucher.example.org>\r\n"
        "Sent: Monday, January 8, 2024 10:03 AM\r\n"
        "To: Bob Member <bob@example.org>\r\n"
        "Subject: Camille commented on your post\r\n\r\n"
        "Camille commented on your post\r\n",
        "Will do.",
    ),
    "outlook_en_original_message": (
        "Yes, Thursday works.\n\n"
        "-----Original Message-----\n"
        "From: Rucher [mailto:noreply@rucher.example.org]\n"
        "Sent: Monday, January 08, 2024 10:03 AM\n"
        "Subject: Camille commented\n\nCamille commented\n",
        "Yes, Thursday works.",
    ),
    "outlook_fr": (
        "Je m'en occupe.\n\n"
        "________________________________\n"
        "De : Rucher <noreply@rucher.example.org>\n"
        "Envoyé : lundi 8 janvier 2024 10:03\n"
        "À : Bob Member <bob@example.org>\n"
        "Objet : Camille a commenté votre publication\n\n"
        "Camille a commenté\n",
        "Je m'en occupe.",
    ),
    "outlook_fr_message_d_origine": (
        "Bien reçu, merci.\n\n"
        "-----Message d'origine-----\n"
        f"De{NBSP}: Rucher\nEnvoyé{NBSP}: lundi 8 janvier 2024 10:03\nObjet{NBSP}: Camille\n\n"
        "Texte\n",
        "Bien reçu, merci.",
    ),
    "outlook_html_converted_bold": (
        "Parfait.\n\n*From:* Rucher <noreply@rucher.example.org>\n*Sent:* Monday\n*To:* Bob\n",
        "Parfait.",
    ),
    "apple_mail_ios_en": (
        "Great idea!\n\nSent from my iPhone\n\n"
        "> On 8 Jan 2024, at 10:03, Rucher <noreply@rucher.example.org> wrote:\n>\n"
        "> Camille commented on your post\n",
        "Great idea!",
    ),
    "apple_mail_fr": (
        "Très bien.\n\nEnvoyé de mon iPhone\n\n"
        "> Le 8 janv. 2024 à 10:03, Rucher <noreply@rucher.example.org> a écrit :\n>\n"
        "> Camille a commenté\n",
        "Très bien.",
    ),
    "apple_mail_macos_en": (
        "Agreed.\n\n"
        "On 8 Jan 2024, at 10:03, Rucher <noreply@rucher.example.org> wrote:\n\n"
        "Camille commented on your post\n",
        "Agreed.",
    ),
    "thunderbird_en_bottom_posting": (
        "On 08/01/2024 10:03, Rucher wrote:\n"
        "> Camille commented on your post\n> > Hello\n\n"
        "Thanks, done.\n\n-- \nBob Member\nFinance, Lyon\n",
        "Thanks, done.",
    ),
    "thunderbird_fr": (
        "C'est fait.\n\nLe 08/01/2024 à 10:03, Rucher a écrit :\n> Camille a commenté\n",
        "C'est fait.",
    ),
    "thunderbird_fr_bottom_posting": (
        "Le 08/01/2024 à 10:03, Rucher a écrit :\n> Camille a commenté\n\nC'est fait.\n",
        "C'est fait.",
    ),
    "interleaved": (
        "On Mon, Jan 8, 2024, Rucher wrote:\n> First question?\nFirst answer.\n"
        "> Second question?\nSecond answer.\n",
        "First answer.\nSecond answer.",
    ),
    "signature_dash_dash_space": (
        "Short answer.\n\n-- \nBob Member\nHead of Finance\n",
        "Short answer.",
    ),
    "signature_dash_dash": ("Short answer.\n--\nBob\n", "Short answer."),
    "no_quote": ("Just this.\n\nAnd a second paragraph.", "Just this.\n\nAnd a second paragraph."),
    "quote_only": ("> Camille commented\n> Hello\n", ""),
    "header_only": ("On Mon, Jan 8, 2024 Rucher wrote:\n\n> Hello\n-- \nBob\n", ""),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_it_keeps_only_the_persons_own_words(name):
    text, expected = SAMPLES[name]
    assert strip_reply(text) == expected


def test_it_keeps_words_that_only_look_like_a_header():
    text = "On time as always.\nLe point est fait.\nFrom now on, we meet on Mondays."
    assert strip_reply(text) == text


def test_a_post_keeps_a_forwarded_message_but_not_the_signature():
    text = (
        "Look at this:\n\n---------- Forwarded message ---------\nFrom: Someone\n"
        "Date: Mon\n\nThe news\n\n-- \nBob\n"
    )
    assert strip_signature(text) == (
        "Look at this:\n\n---------- Forwarded message ---------\nFrom: Someone\nDate: Mon\n\n"
        "The news"
    )


def test_html_loses_scripts_styles_and_tags_but_keeps_text_and_links():
    html = (
        "<html><head><title>T</title><style>p{color:red}</style>"
        "<script>alert('head')</script></head><body onload=\"evil()\">"
        "<p>Bonjour &amp; merci&nbsp;!</p><script type='text/javascript'>steal()</script>"
        "<p>See <a href='https://example.org/doc'>the doc</a> and "
        "<a href='javascript:evil()'>this</a>.</p>"
        "<ul><li>one</li><li>two</li></ul><img src=x onerror=alert(1)>"
        "<iframe src='https://evil.example'>inside</iframe><noscript>no</noscript>"
        "</body></html>"
    )
    text = html_to_text(html)
    assert text == (
        "Bonjour & merci !\n\nSee the doc (https://example.org/doc) and this.\n\n- one\n- two"
    )
    for word in ("alert", "steal", "evil", "color", "<", "inside"):
        assert word not in text


def test_html_blockquotes_become_quotes_that_replies_drop():
    html = (
        '<div dir="ltr">Merci pour l&#39;info !<br><br>Bob</div><br>'
        '<div class="gmail_quote"><div class="gmail_attr">Le lun. 8 janv. 2024 à 10:03, '
        "Rucher &lt;noreply@rucher.example.org&gt; a écrit&nbsp;:<br></div>"
        "<blockquote><p>Camille a commenté</p><blockquote>Deep</blockquote></blockquote></div>"
    )
    text = html_to_text(html)
    assert "> Camille a commenté" in text
    assert "> > Deep" in text
    assert strip_reply(text) == "Merci pour l'info !\n\nBob"


def test_broken_html_never_raises():
    for html in ("<p>unclosed <b>bold <script>never closed", "<<<>>>&&&#xZZ;", "</div></p>", ""):
        assert isinstance(html_to_text(html), str)
    assert html_to_text("<p>unclosed <script>hidden") == "unclosed"
    assert html_to_text("<pre>a  b\n  c</pre>") == "a  b\n  c"


# --- hostile HTML: linear work, nothing silently lost, bounded output ------------------------


def test_two_megabytes_of_unclosed_tags_give_all_their_text():
    # 500,000 unclosed <i>: the previous converter rebuilt the line for every chunk (quadratic).
    assert html_to_text("a<i>" * 500_000) == "a" * 500_000


def test_deep_nesting_loses_no_text():
    html = "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "<p>after</p>"
    assert html_to_text(html) == "deep\n\nafter"


def test_deep_quoting_is_shown_at_a_bounded_depth():
    html = "<blockquote>x" * 5_000
    lines = html_to_text(html).split("\n")
    texts = [line for line in lines if line.endswith("x")]
    assert len(texts) == 5_000
    assert texts[0] == "> x"
    assert texts[-1] == "> " * quotes.MAX_QUOTE_DEPTH + "x"
    # Each line at most the deepest prefix and its word: not 2 × depth characters per line.
    assert max(len(line) for line in lines) == 2 * quotes.MAX_QUOTE_DEPTH + 1


def test_html_beyond_the_limit_is_not_read(monkeypatch):
    monkeypatch.setattr(quotes, "MAX_HTML_CHARS", 20)
    assert html_to_text("<p>0123456789</p><p>later</p>") == "0123456789"


def test_the_work_is_linear_in_the_number_of_chunks(monkeypatch):
    """Each chunk of text is joined into a line once: the characters joined grow with the
    input, not with its square (no wall clock: the joins are counted)."""
    joined = []
    real_flush = quotes._TextExtractor._flush

    def counting_flush(self):
        joined.append(len(self.current))
        real_flush(self)

    monkeypatch.setattr(quotes._TextExtractor, "_flush", counting_flush)
    for repeat in (1_000, 4_000):
        joined.clear()
        html_to_text('a<i><a href="https://example.org/">l</a>' * repeat + "<br>")
        assert sum(joined) <= 3 * repeat + 2


def test_links_do_not_nest_and_each_keeps_its_address():
    html = '<a href="https://one.example/">one<a href="https://two.example/">two</a>'
    assert html_to_text(html) == "one (https://one.example/)two (https://two.example/)"


def test_a_charset_declared_in_the_html_is_not_believed():
    assert html_to_text('<meta charset="iso-8859-1"><p>Noël à Orléans</p>') == "Noël à Orléans"
