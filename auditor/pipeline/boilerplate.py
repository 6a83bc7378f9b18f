"""Web-page residue in a plain-text document: labelled, so it is neither aligned evidence nor unchecked text.

Maintained extractors recognise boilerplate from the page's markup; trafilatura (settings/xpaths.py)
drops a comment section from the element whose id or class is `comments`, `comments-title`,
`^[Cc]omment(?!ary)`, `reply-`, and share/newsletter blocks by the tokens `^shar`, `social`,
`newsletter`, `subscribe`. Our input is text with the markup gone, so the same vocabulary is applied
to the text of short lines instead:
- a comment-section heading ("Comments", "3 Comments", "Post a Comment", "Leave a Reply") on a line
  of its own in the second half of the document, and everything after it: a comment section is the
  page's tail (so a heading near the top, an opinion page's "Comments", never takes the article);
- a share, subscribe or newsletter line ("Share this:", "Subscribe to our newsletter");
- a line that is only an ellipsis ("..." or "…"): a truncation mark, no text to translate; and when
  it stands in the second half and a comment section follows it, everything from the mark on: the
  article was cut there, and what stands between the cut and the comment heading is a reader's
  comment or a teaser, not the article.
A line is a whole paragraph of at most `MAX_WORDS` words, so prose that mentions comments is kept.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Sequence

from auditor.pipeline.segment import Sentence

MAX_WORDS = 8  # a heading or a widget label, never a sentence of the article
_COMMENT_HEADING = re.compile(
    r"^(?:(?:\d+\s+)?comments|(?:post|add|leave|write)\s+an?\s+(?:comment|reply)|"
    r"(?:show|view|load|read)\s+(?:all\s+)?(?:\d+\s+)?comments)\s*[:.!]?$",
    re.IGNORECASE,
)
_SHARE_LINE = re.compile(
    r"^(?:share(?:\s+this)?(?:\s+(?:article|story|post|page))?(?:\s+(?:on|via)\s+\w+)?|click\s+to\s+share\b.*|"
    r"subscribe\b.*|sign\s+up\s+for\s+(?:our|the)\s+newsletter\b.*|(?:like|follow)\s+us\s+on\b.*)\s*[:.!]?$",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(r"^(?:\.\s*){3,}$|^…+$")


def _paragraph_text(sentences: Sequence[Sentence], paragraph: int) -> str:
    return " ".join(s.text for s in sentences if s.paragraph == paragraph).strip()


def boilerplate_indices(sentences: Sequence[Sentence]) -> frozenset[int]:
    """Indices of the sentences that are page residue (see the module docstring for the rules)."""
    labelled: set[int] = set()
    cut: int | None = None  # the paragraph of the first lone ellipsis: where the article was cut
    paragraphs = sorted({s.paragraph for s in sentences})
    for paragraph in paragraphs:
        text = _paragraph_text(sentences, paragraph)
        members = [s.index for s in sentences if s.paragraph == paragraph]
        if len(text.split()) > MAX_WORDS:
            continue
        if _COMMENT_HEADING.match(text) and 2 * members[0] >= len(sentences):
            # The comment section runs to the end of the page; the article's own text never follows it.
            start = paragraph if cut is None else cut
            labelled.update(s.index for s in sentences if s.paragraph >= start)
            break
        if _ELLIPSIS.match(text) and cut is None and 2 * members[0] >= len(sentences):
            cut = paragraph
        if _SHARE_LINE.match(text) or _ELLIPSIS.match(text):
            labelled.update(members)
    return frozenset(labelled)


def label_boilerplate(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The sentences with `boilerplate` set on those that are page residue."""
    found = boilerplate_indices(sentences)
    return [dataclasses.replace(s, boilerplate=True) if s.index in found else s for s in sentences]
