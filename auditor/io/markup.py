"""HTML pasted as text: recognise it and keep only the text a browser would show.

Scraped pages often arrive as markup. Compared as text, every tag would be an 'added' word, so
the loader replaces such a document by its visible text: scripts, styles and the head dropped,
each block element (paragraph, heading, list item, table row, line break) on a line of its own,
entities decoded. The standard library's HTMLParser does the parsing: it is lenient and never
raises on broken markup.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements common in articles; a plain-text document rarely holds several of them, closed.
_ELEMENTS = (
    "html|head|body|title|meta|link|script|style|p|div|span|a|b|i|u|em|strong|br|hr|img|ul|ol|li|"
    "h[1-6]|table|thead|tbody|tr|td|th|section|article|header|footer|nav|aside|main|blockquote|pre|"
    "code|figure|figcaption|iframe|noscript|form|button|label|input|sup|sub|small|time|dl|dt|dd"
)
_TAG = re.compile(rf"<(/?)({_ELEMENTS})\b[^<>]*>", re.IGNORECASE)
_DOCTYPE = re.compile(r"\A\s*<(?:!doctype\s+html|html\b)", re.IGNORECASE)
MIN_TAGS = 3  # known tags, at least one of them a closing tag, before text counts as HTML

_HIDDEN = frozenset({"head", "script", "style", "template", "noscript", "svg", "iframe"})
_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody thead tfoot tr td th title ul".split()
)


def count_tags(text: str) -> int:
    """How many tags of known HTML elements `text` holds, or 0 if it does not look like HTML."""
    tags = _TAG.findall(text)
    if _DOCTYPE.match(text) or (len(tags) >= MIN_TAGS and any(slash for slash, _ in tags)):
        return len(tags)
    return 0


class _TextExtractor(HTMLParser):
    """Collects visible text, one line per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        if tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1
        if tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._line.append(data)

    def _break(self) -> None:
        line = " ".join("".join(self._line).split())  # inside a block, any run of whitespace is one space
        if line:
            self.lines.append(line)
        self._line = []

    def text(self) -> str:
        self.close()
        self._break()
        return "\n".join(self.lines)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML document or fragment, one block per line."""
    parser = _TextExtractor()
    parser.feed(markup)
    return parser.text()
