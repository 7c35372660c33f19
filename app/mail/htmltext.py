"""Turn an HTML mail body into plain text with the stdlib HTML parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "head", "title", "xml", "template"})
_BLOCK = frozenset({
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4",
    "h5", "h6", "pre", "address", "section", "article", "header", "footer", "dd", "dt",
})
# Outlook puts 32 underscores where it drew a line; the quote splitter knows it.
_RULE = "\n\n" + "_" * 32 + "\n"
#: Only the start of a longer body is read: a person's words stand at the top, and the
#: parser takes seconds on a 2 MB body of 200,000 nested tags.
MAX_CHARS = 200_000


class _TextExtractor(HTMLParser):
    """Collect visible text, marking quoted blocks with '> ' like text mail."""

    def __init__(self) -> None:
        """Start with one empty line, outside any quote."""
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a block, a quote, or a skipped element."""
        if tag in _SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self._newline()
            self.quote += 1
        elif tag == "hr":
            self._write(_RULE)
        elif tag in _BLOCK:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        """Close what handle_starttag opened."""
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self._newline()
        elif tag in _BLOCK:
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Treat <br/> and <hr/> like their open forms."""
        if tag in ("br", "hr"):
            self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        """Add visible text, collapsing HTML whitespace."""
        if not self.skip:
            self._write(re.sub(r"[ \t\r\n\xa0]+", " ", data))

    def _newline(self) -> None:
        """Start a new line at the current quote depth."""
        self.lines.append("> " * self.quote)

    def _write(self, text: str) -> None:
        """Append TEXT, splitting on the newlines it carries."""
        first, *rest = text.split("\n")
        self.lines[-1] += first
        self.lines.extend(("> " * self.quote) + line for line in rest)


def html_to_text(html: str) -> str:
    """Return the visible text of HTML, one block per line; never raise."""
    parser = _TextExtractor()
    try:
        parser.feed(html[:MAX_CHARS])
        parser.close()
    except Exception:  # html.parser is lenient, but a broken tail must not sink the mail
        pass
    lines = [line.rstrip() for line in parser.lines]
    text = "\n".join(line if line.strip("> ") else line.strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
