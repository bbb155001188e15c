"""Text for the search index: accent folding, French and English stemming, the query language
(words, "phrases", -exclusions, `or`) and highlighted snippets, in pure Python.

PostgreSQL does this itself (the `rucher_french`/`rucher_english` configurations with
`unaccent`); SQLite's FTS5 has no French stemmer, so the index stores the words already folded
and stemmed by the Snowball stemmers, and queries are stemmed the same way. Both languages are
applied to every text and every query: a French post is found by English words and the
reverse, whatever language its author chose.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
# Words of a query that count (the rest are ignored): keeps FTS expressions small.
MAX_QUERY_WORDS = 16

_WORD = re.compile(r"\w+")
# A query item: an optional "-", then a "quoted phrase" (closing quote optional) or a word.
_ITEM = re.compile(r'(-?)"([^"]*)"?|(-?)(\w+)')
# Control characters (NUL included) are never part of a search: they become spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Words too common to say two titles are alike ("similar questions" only: a search keeps them).
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "comment",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "est",
        "et",
        "il",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "mais",
        "me",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "quel",
        "quelle",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "faire",
        "peut",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "our",
        "should",
        "that",
        "the",
        "this",
        "to",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "you",
        "your",
    ]
)

_STEMMERS = {
    "fr": snowballstemmer.stemmer("french"),
    "en": snowballstemmer.stemmer("english"),
}


def clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def fold(text: str) -> str:
    """Lower case without accents: "École" → "ecole", "Œuvre" → "oeuvre"."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[str, ...]:
    """The French and English stems of one word (folded first), one when they agree."""
    folded = fold(word)
    found = [_STEMMERS["fr"].stemWord(folded), _STEMMERS["en"].stemWord(folded)]
    return tuple(dict.fromkeys(stem for stem in found if stem))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def index_terms(text: str) -> str:
    """What SQLite's FTS5 indexes for a text: every word's stems, in order."""
    return " ".join(stem for word in words(text) for stem in stems(word))


@dataclass
class ParsedQuery:
    """A query as items: each a list of words (one word, or a phrase), included or excluded;
    `any_of` marks items joined to the previous one by `or`."""

    include: list[list[str]] = field(default_factory=list)
    exclude: list[list[str]] = field(default_factory=list)
    any_of: list[bool] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for (only operators, quotes or exclusions): no result at all,
        rather than every document that lacks the excluded words."""
        return not self.include

    def stem_set(self) -> set[str]:
        return {stem for item in self.include for word in item for stem in stems(word)}


def parse(query: str) -> ParsedQuery:
    """The websearch syntax of PostgreSQL's websearch_to_tsquery, the same on SQLite: words
    are all required, "quoted words" are a phrase, -word excludes, `or` between two items
    accepts either. Any other character is a separator, never syntax (so `*`, `(`, `:` or SQL
    in a query are harmless)."""
    parsed = ParsedQuery()
    pending_or = False
    count = 0
    for match in _ITEM.finditer(clean(query)):
        negative = bool(match.group(1) or match.group(3))
        item = words(match.group(2)) if match.group(2) is not None else [match.group(4)]
        if not item:
            continue
        if match.group(4) is not None and not negative and item[0].casefold() == "or":
            pending_or = bool(parsed.include)
            continue
        count += len(item)
        if count > MAX_QUERY_WORDS:
            break
        if negative:
            parsed.exclude.append(item)
        else:
            parsed.any_of.append(pending_or)
            parsed.include.append(item)
        pending_or = False
    return parsed


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_item(item: list[str]) -> str:
    if len(item) == 1:
        alternatives = [_fts_quote(stem) for stem in stems(item[0])]
        return "(" + " OR ".join(alternatives) + ")" if len(alternatives) > 1 else alternatives[0]
    # A phrase: its words close together (each indexed word gives up to two stems, so
    # "adjacent" is within twice the phrase's length).
    terms = " ".join(_fts_quote(stems(word)[0]) for word in item)
    return f"NEAR({terms}, {2 * len(item)})"


def fts5_expression(parsed: ParsedQuery) -> str:
    """An FTS5 MATCH expression built only from quoted stems: user text is never syntax."""
    expression = ""
    for item, any_of in zip(parsed.include, parsed.any_of, strict=True):
        part = _fts_item(item)
        if not expression:
            expression = part
        else:
            expression = f"({expression}) {'OR' if any_of else 'AND'} {part}"
    for item in parsed.exclude:
        expression = f"({expression}) NOT {_fts_item(item)}"
    return expression


# Markers around highlighted words, escaped away from the text before they become <mark>.
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30


def marked_to_html(text: str) -> SafeString:
    """Text with START/STOP markers (ts_headline's or ours) as escaped HTML with <mark>."""
    escaped = escape(text.replace("<mark>", "").replace("</mark>", ""))
    html = escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    # An unbalanced marker (cut text) must not leave an open element behind.
    if html.count("<mark>") != html.count("</mark>"):
        html = html.replace("<mark>", "").replace("</mark>", "")
    return mark_safe(html)  # noqa: S308 - escaped above; only our <mark> elements remain


def highlight(text: str, query_stems: set[str], *, size: int = SNIPPET_WORDS) -> SafeString:
    """A window of the text around its first matching word, matches marked."""
    text = clean(text)
    tokens = list(re.finditer(r"\S+", text))
    if not tokens:
        return mark_safe("")
    hits = [
        i
        for i, token in enumerate(tokens)
        if any(stem in query_stems for word in words(token.group()) for stem in stems(word))
    ]
    first = hits[0] if hits else 0
    start = max(0, min(first - size // 3, len(tokens) - size))
    window = tokens[start : start + size]
    out = []
    for i, token in enumerate(window, start=start):
        piece = token.group()
        if i in hits:
            piece = re.sub(
                r"\w+",
                lambda m: (
                    f"{START}{m.group()}{STOP}"
                    if any(stem in query_stems for stem in stems(m.group()))
                    else m.group()
                ),
                piece,
            )
        out.append(piece)
    snippet = " ".join(out)
    if start > 0:
        snippet = "… " + snippet
    if start + size < len(tokens):
        snippet += " …"
    return marked_to_html(snippet)
