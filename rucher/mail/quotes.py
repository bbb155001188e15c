"""The text of a received email: HTML turned into plain text, and replies without the quoted
message and the signature (F-REPLY-BY-EMAIL).

Mail clients put the message being answered under the reply, introduced by a header line that
depends on the client and its language (Gmail, Apple Mail, Thunderbird: "On … wrote:" /
"Le … a écrit :", possibly wrapped over two or three lines; Outlook: "-----Original Message-----"
or a "From: / Sent:" — "De : / Envoyé :" — block). Only the person's own words become the
comment: everything from that header on goes, as do "> " quoted lines and the signature after
"-- ". When nothing is left above the quote (bottom-posting), the text under it is kept instead.
"""

import re
from collections.abc import Mapping

from lxml import etree

# The header line above a quoted message. `\s` also matches the no-break spaces French
# typography puts before the colon.
_WROTE_HEADERS = (
    re.compile(r"^On\b.{0,400}\bwrote\s*:$", re.IGNORECASE),
    re.compile(r"^Le\b.{0,400}\ba\s+[ée]crit\s*:$", re.IGNORECASE),
    re.compile(r"^Am\b.{0,400}\bschrieb\b.{0,400}:$", re.IGNORECASE),
    re.compile(r"^El\b.{0,400}\bescribi[óo]\s*:$", re.IGNORECASE),
)
_WROTE_STARTS = re.compile(r"^(On|Le|Am|El)\b", re.IGNORECASE)
# Outlook and others: a separator line before the quoted (or forwarded) message.
_SEPARATOR = re.compile(
    r"^-{2,}\s*(original message|message d['’]origine|courrier d['’]origine|"
    r"forwarded message|message transf[ée]r[ée]|mensaje original|urspr[üu]ngliche nachricht)"
    r"\s*-{2,}$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^_{10,}$")
# Outlook's header block: "From:" then, within a few lines, "Sent:", "To:", "Subject:"… (bold
# markers survive some HTML-to-text conversions).
_FROM_LINE = re.compile(r"^\*?(From|De|Von|Expéditeur)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_LINE = re.compile(
    r"^\*?(Sent|Date|To|Cc|Subject|Envoyé|Envoyé le|À|A|Objet|Gesendet|An|Betreff)\s*:\*?",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^--\s*$")
_MOBILE_SIGNATURE = re.compile(
    r"^(Sent from my|Sent from Outlook|Get Outlook for|Envoyé de mon|Envoyé depuis mon|"
    r"Envoyé à partir de|Obtenir Outlook pour|Télécharger Outlook pour)\b",
    re.IGNORECASE,
)
_BLANK_LINES = re.compile(r"\n{3,}")


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _wrote_header_at(lines: list[str], index: int) -> int:
    """How many lines (1 to 3) form a "… wrote:" header starting at index; 0 if none."""
    first = lines[index].strip()
    if not _WROTE_STARTS.match(first):
        return 0
    joined = first
    for count in range(1, 4):
        if any(pattern.match(joined) for pattern in _WROTE_HEADERS):
            return count
        following = index + count
        if following >= len(lines) or not lines[following].strip():
            return 0
        joined = f"{joined} {lines[following].strip()}"
    return 0


def _outlook_header_at(lines: list[str], index: int) -> bool:
    if not _FROM_LINE.match(lines[index].strip()):
        return False
    following = [line.strip() for line in lines[index + 1 : index + 7]]
    return any(_HEADER_LINE.match(line) for line in following)


def _quote_start(lines: list[str]) -> tuple[int, int] | None:
    """Where the quoted message starts, and how many header lines introduce it (0 when
    everything after the start belongs to the quoted message)."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        header = _wrote_header_at(lines, index)
        if header:
            return index, header
        if _SEPARATOR.match(stripped):
            return index, 0
        if (
            _UNDERSCORES.match(stripped)
            and index + 1 < len(lines)
            and _outlook_header_at(lines, index + 1)
        ):
            return index, 0
        if _outlook_header_at(lines, index):
            return index, 0
    return None


def _until_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if _SIGNATURE.match(line):
            return lines[:index]
    return lines


def _without_mobile_signature(lines: list[str]) -> list[str]:
    """ "Sent from my iPhone" as the last words goes; the same words inside the text stay."""
    kept = list(lines)
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and _MOBILE_SIGNATURE.match(kept[-1].strip()):
        kept.pop()
    return kept


def _tidy(lines: list[str]) -> str:
    text = "\n".join(lines).strip("\n")
    return _BLANK_LINES.sub("\n\n", text).strip()


def strip_reply(text: str) -> str:
    """The person's own words in a reply: no quoted message, no signature."""
    lines = _lines(text)
    start = _quote_start(lines)
    above = lines if start is None else lines[: start[0]]
    own = [line for line in _until_signature(above) if not _is_quote(line)]
    own = _without_mobile_signature(own)
    if _tidy(own) or start is None or start[1] == 0:
        return _tidy(own)
    # Bottom-posting (or answers between the quoted lines): the words come after the header.
    below = lines[start[0] + start[1] :]
    own = [line for line in _until_signature(below) if not _is_quote(line)]
    return _tidy(_without_mobile_signature(own))


def strip_signature(text: str) -> str:
    """A new post keeps everything (a forwarded message included) but the signature."""
    return _tidy(_without_mobile_signature(_until_signature(_lines(text))))


# --- HTML to text ----------------------------------------------------------------------------

# Elements whose content is never text for the reader (scripts, styles, metadata, embeds).
_SKIPPED = frozenset(
    {"script", "style", "head", "title", "template", "noscript", "svg", "math", "object",
     "iframe", "embed", "applet", "select", "textarea", "button"}
)  # fmt: skip
_BLOCKS = frozenset(
    {"p", "div", "tr", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
     "blockquote", "pre", "section", "article", "header", "footer", "hr", "dl", "dt", "dd",
     "center", "address", "figure", "figcaption", "form", "fieldset", "main", "nav", "aside",
     "caption", "body", "html"}
)  # fmt: skip
# Blocks separated from their neighbours by a blank line (paragraphs, as in Markdown).
_PARAGRAPHS = frozenset(
    {"p", "blockquote", "pre", "table", "ul", "ol", "dl", "hr", "h1", "h2", "h3", "h4", "h5",
     "h6", "figure"}
)  # fmt: skip
# Beyond this much HTML the text is far over any length limit anyway (a post's text is at most
# 20,000 characters): the rest is not read, so that converting is bounded (about a second on
# the reference machine, see docs/mail.md).
MAX_HTML_CHARS = 2_000_000
# Deeper quoting is shown at this depth: each line repeats its "> " prefix, so an unbounded
# depth would turn a few bytes per level into megabytes of output.
MAX_QUOTE_DEPTH = 10


class _TextExtractor:
    """Text of an HTML email: blocks become lines, blockquotes "> " lines, links keep their
    address, scripts and styles vanish. No markup survives (the text is Markdown, rendered
    and sanitised like any post).

    The events come from libxml2's HTML parser (lxml's parser target interface: no tree is
    built, so no depth limit and no recursion). Linear in the size of the HTML: the line
    being built is a list of chunks joined once, when the line ends; what the handlers need
    to know about it (is there text yet, does it end with a space, where does the open link's
    label start) is kept alongside instead of being recomputed from the chunks at every tag
    (the quadratic cost of the previous converter, docs/decisions.md)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.last_blank = True  # no line yet, or the last one is a paragraph break
        self.current: list[str] = []
        self.current_has_text = False
        self.current_ends_space = True  # an empty line: leading spaces are dropped
        self.skipping = 0  # depth inside a skipped element (the parser balances every tag)
        self.quote_depth = 0
        self.line_depth = 0
        self.pre = 0
        # The open link (HTML has no nested links: the parser closes one before the next),
        # with the chunk where its label starts.
        self.link: tuple[str, int] | None = None

    def _append(self, chunk: str) -> None:
        if not chunk:
            return
        self.current.append(chunk)
        if not self.current_has_text and chunk.strip():
            self.current_has_text = True
        self.current_ends_space = chunk.endswith(" ")

    def _flush(self) -> None:
        line = "".join(self.current)
        text = line.rstrip() if self.pre else line.strip()
        self.current = []
        self.current_has_text = False
        self.current_ends_space = True
        if self.link is not None:
            self.link = (self.link[0], 0)
        if text:
            self.lines.append("> " * min(self.line_depth, MAX_QUOTE_DEPTH) + text)
            self.last_blank = False
        self.line_depth = self.quote_depth

    def _blank(self) -> None:
        self._flush()
        if not self.last_blank:
            self.lines.append((">" * min(self.quote_depth, MAX_QUOTE_DEPTH)).strip())
            self.last_blank = True

    def _block(self, tag: str) -> None:
        if tag in _PARAGRAPHS:
            self._blank()
        else:
            self._flush()

    def _close_link(self) -> None:
        if self.link is None:
            return
        href, start = self.link
        self.link = None
        label = "".join(self.current[start:]).strip()
        if label and href not in label:
            self._append(f" ({href})")

    # The lxml parser target interface.

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        if self.skipping or tag in _SKIPPED:
            self.skipping += 1
            return
        if tag == "br":
            if self.current_has_text:
                self._flush()
            else:
                self._blank()
            return
        if tag in _BLOCKS:
            self._block(tag)
        if tag == "blockquote":
            self.quote_depth += 1
            self.line_depth = self.quote_depth
        elif tag == "li":
            self._append("- ")
        elif tag == "pre":
            self.pre += 1
        elif tag == "a":
            self._close_link()
            href = attrib.get("href") or ""
            if href.lower().startswith(("http://", "https://")):
                self.link = (href, len(self.current))

    def end(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        if tag == "a":
            self._close_link()
        if tag in _BLOCKS and tag != "hr":
            self._block(tag)
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self.line_depth = self.quote_depth
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)

    def data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre:
            parts = data.split("\n")
            for part in parts[:-1]:
                self._append(part)
                self._flush()
            self._append(parts[-1])
            return
        collapsed = _SPACES.sub(" ", data)
        if self.current_ends_space:
            collapsed = collapsed.lstrip()
        self._append(collapsed)

    def close(self) -> str:
        self._flush()
        return _tidy(self.lines)


_SPACES = re.compile(r"\s+")


def html_to_text(html: str) -> str:
    """Plain text from an email's HTML (never raises on broken markup); linear in the HTML's
    size, which is cut at MAX_HTML_CHARS."""
    extractor = _TextExtractor()
    parser = etree.HTMLParser(
        target=extractor,
        encoding="utf-8",  # what is fed; a <meta charset> in the HTML is not believed
        recover=True,
        no_network=True,
        huge_tree=True,  # no silent cut at 256 levels of nesting: the extractor is flat
        remove_comments=True,
        remove_pis=True,
    )
    try:
        parser.feed(html[:MAX_HTML_CHARS].encode("utf-8", "replace"))
        return str(parser.close())
    except etree.LxmlError:  # recover=True makes this rare; an unreadable part is no text
        return extractor.close()
