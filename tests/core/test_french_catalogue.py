"""French typography of the whole catalogue (locale/fr/LC_MESSAGES/django.po): a no-break space
(U+00A0, or the narrow U+202F) before : ; ? ! and %, inside « guillemets », and one apostrophe
(the typographic ’). A tiny reader of the .po (polib is not a dependency) lists every offender."""

import json
import re
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
NBSP = "\u00a0\u202f"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifxX]|%[sdif]")


def translations(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every entry, plural forms included; the header is left out."""
    found = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        current, parts = None, {}
        for line in lines:
            keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if keyword:
                current = keyword.group(1)
                parts[current] = json.loads(keyword.group(2))
            elif line.startswith('"') and current:
                parts[current] += json.loads(line)
        msgid = parts.get("msgid", "")
        for key, value in parts.items():
            if key.startswith("msgstr") and msgid and value:
                found.append((msgid, value))
    return found


def offences(text: str) -> list[str]:
    """What is wrong with one French string (empty when nothing is)."""
    text = PLACEHOLDER.sub("X", text).replace("%%", "%")
    found = []
    if "'" in text:
        found.append("ASCII apostrophe (use ’)")
    if re.search(r" [:;?!%]", text):
        found.append("plain space before : ; ? ! or % (use a no-break space)")
    if re.search(r"[\w»)][;?!]|[A-Za-zÀ-ÿ»]:(?:\s|$)|\d%", text):
        found.append("no space before : ; ? ! or %")
    if re.search(r"« | »", text) or re.search(f"«[^{NBSP}]|[^{NBSP}]»", text):
        found.append("guillemets need a no-break space inside")
    return found


@pytest.mark.parametrize(
    "text, ok",
    [
        ("Quoi de neuf\u00a0?", True),
        ("Quoi de neuf ?", False),
        ("Quoi de neuf?", False),
        ("Rappel\u00a0: merci de lire «\u00a0%(title)s\u00a0»", True),
        ("Rappel : merci de lire « %(title)s »", False),
        ("%(count)s\u00a0%%", True),
        ("%(count)s %%", False),
        ("Connectez-vous sur https://exemple.fr à 14:02", True),
        ("l'équipe", False),
        ("l’équipe", True),
        ("Entre 1 et %(max)d jours.", True),
        ("taux de réponse (%)", True),
    ],
)
def test_the_checker(text, ok):
    assert (offences(text) == []) is ok, offences(text)


def test_every_french_translation_follows_french_typography():
    entries = translations(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 1000  # the reader found the catalogue
    bad = [f"{msgid!r} → {msgstr!r}: {offences(msgstr)}" for msgid, msgstr in entries]
    bad = [line for (msgid, msgstr), line in zip(entries, bad, strict=True) if offences(msgstr)]
    assert bad == [], "\n".join(bad)
