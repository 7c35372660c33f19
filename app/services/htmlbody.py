"""A received mail's HTML body, made safe to show once, at intake, with size and depth caps.

nh3 (Ammonia, on html5ever) removes everything active, but an HTML5 tree builder
looks through its stack of open elements at each tag, so its time grows with the
square of the nesting: 200,000 nested <div>s (2.2 MB) kept it busy for minutes. Its
serialiser is quadratic in a long text node full of "&" or no-break spaces, too.
So the HTML is first rebuilt here, in one linear pass that follows the HTML5
tokenizer's rules for where tags end: only the tags nh3 keeps, each element closed
explicitly, stray "<" escaped and long text cut into short nodes, so the tree nh3
builds is the one counted here. A body nested deeper than MAX_DEPTH is shown as
its text; one longer than MAX_CHARS or MAX_TAGS is cut; each with a note.
"""

from __future__ import annotations

import html as htmllib
import re
from email.message import Message

import nh3

from app.mail.body import part_text

#: Far beyond any real mail (Outlook's nested tables reach a few dozen levels), far
#: below what makes nh3 slow (1,000 levels take it 10 ms).
MAX_DEPTH = 200
#: The longest HTML body shown, in characters, and the most tags; the rest is cut.
MAX_CHARS = 500_000
MAX_TAGS = 25_000
#: Text is cut into nodes of about this many characters (with <wbr>, which shows nothing).
TEXT_NODE = 500

TOO_DEEP, TOO_LARGE = "too_deep", "too_large"

_W = r"\t\n\f\r "
#: An attribute list as the HTML5 tokenizer reads it: a name ends at space, "/", ">" or
#: "="; a quote matters only where a value starts, and an unclosed one runs to the end.
#: Possessive throughout: linear, never backtracking.
_ATTRS = (rf"(?:[{_W}/]++|[^{_W}/>][^{_W}/>=]*+(?:[{_W}]*+=[{_W}]*+"
          rf"(?:\"[^\"]*+\"?+|'[^']*+'?+|[^{_W}>]++)?+)?+)*+")
_TOKEN = re.compile(
    r"(?P<text>(?:[^<]++|<(?![A-Za-z!?/]))++)"  # a "<" starting no tag is text
    r"|<!--(?:-?>|.*?(?:--!?>|\Z))"  # a comment
    rf"|</(?P<end>[A-Za-z][^{_W}/>]*+){_ATTRS}(?P<endclose>>)?"
    rf"|<(?P<start>[A-Za-z][^{_W}/>]*+)(?P<attrs>{_ATTRS})(?P<close>>)?"
    r"|<[!?/][^>]*+>?",  # doctype, processing instruction, bogus comment: not shown
    re.S)
_ATTR = re.compile(rf"([^{_W}/>][^{_W}/>=]*+)(?:[{_W}]*+=[{_W}]*+"
                   rf"(?:\"([^\"]*+)\"?+|'([^']*+)'?+|([^{_W}>]++)))?+")
_NAME = re.compile(r"[a-z][a-z0-9_:.-]*\Z")

_ALLOWED = frozenset(nh3.ALLOWED_TAGS)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                   "meta", "source", "track", "wbr", "param", "keygen", "frame"})
#: Raw text to their end tag, never shown (nh3 drops scripts and styles with content).
_SKIPPED = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript"})
#: Text to their end tag, shown as text.
_RCDATA = frozenset({"title", "textarea"})
_END_OF = {name: re.compile(rf"</{name}[{_W}/>]", re.I) for name in _SKIPPED | _RCDATA}
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "center", "details", "div",
                     "dl", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                     "header", "hgroup", "hr", "nav", "ol", "p", "pre", "table", "ul"})
_CELLS, _ROWS = frozenset({"td", "th"}), frozenset({"td", "th", "tr"})
#: What a start tag closes while it is the innermost open element (implied end tags).
_CLOSES = {name: frozenset(closed | {"p"}) for name, closed in {
    "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "tr": _ROWS, "td": _CELLS,
    "th": _CELLS, "tbody": _ROWS | {"thead", "tbody"}, "thead": _ROWS | {"thead", "tbody"},
}.items()} | {name: frozenset({"p"}) for name in _BLOCKS}


class _TooDeep(Exception):
    """The HTML nests deeper than MAX_DEPTH."""


class _TooMany(Exception):
    """The HTML has more than MAX_TAGS tags."""


def of_message(msg: Message) -> tuple[str, str | None]:
    """Return (safe HTML, note) for MSG's HTML body; ("", None) when it has none."""
    try:
        part = _html_part(msg)
        html = part_text(part) if part is not None else ""
    except Exception:  # noqa: BLE001 - a broken part is simply not shown
        return "", None
    return clean(html) if html.strip() else ("", None)


def from_raw(raw: bytes | None) -> tuple[str, str | None]:
    """Return (safe HTML, note) for the raw message RAW (one stored before intake did it)."""
    from app.mail.parse import parse

    return of_message(parse(raw).msg) if raw else ("", None)


def _html_part(msg: Message) -> Message | None:
    """Return the message's HTML body part, not an attachment's, or None."""
    if hasattr(msg, "get_body"):
        return msg.get_body(("html",))
    return next((p for p in msg.walk() if p.get_content_type() == "text/html"
                 and not p.get_filename()), None)


def clean(html: str) -> tuple[str, str | None]:
    """Return (HTML with everything active removed, note): at most MAX_CHARS and
    MAX_TAGS of it, and only its text when it nests deeper than MAX_DEPTH."""
    note = None
    if len(html) > MAX_CHARS:
        html, note = html[:MAX_CHARS], TOO_LARGE
    try:
        rebuilt, complete = _rebuild(html)
    except _TooDeep:
        return _as_text(html), TOO_DEEP
    # nh3 drops scripts, event handlers, styles and javascript: URLs; relative URLs too,
    # which would make the secretary's browser ask our own pages for them. Remote images
    # stay in the HTML but never load: the pages' Content-Security-Policy allows only ours.
    return nh3.clean(rebuilt, link_rel="noopener noreferrer nofollow", url_relative="deny",
                     url_schemes={"http", "https", "mailto"}), note if complete else TOO_LARGE


def _rebuild(html: str) -> tuple[str, bool]:
    """Return (HTML as the tags nh3 keeps, each element closed; whether all of it is
    there); raise _TooDeep."""
    out: list[str] = []
    tree, match, complete = _Tree(out), _TOKEN.match, True
    pos, end = 0, len(html)
    try:
        while pos < end:
            m = match(html, pos)
            pos, kind = m.end(), m.lastgroup
            if kind == "text":
                tree.text(m.group("text"))
            elif kind == "close":
                pos = tree.start(m.group("start").lower(), m.group("attrs"), html, pos)
            elif kind == "endclose":
                tree.end(m.group("end").lower())
            elif kind is not None:
                break  # the end came inside a tag: HTML5 drops it and the rest
    except _TooMany:
        complete = False
    tree.close_all()
    return "".join(out), complete


class _Tree:
    """The open elements of the HTML being rebuilt, innermost last."""

    def __init__(self, out: list[str]) -> None:
        self.out = out
        self.stack: list[str] = []
        self.open: dict[str, int] = {}
        self.tags = 0

    def text(self, text: str) -> None:
        """Add TEXT, its stray "<" escaped, in nodes nh3 writes out in linear time."""
        text = text.replace("<", "&#60;")  # numeric: nh3 reads it faster than &lt;
        self.out.append(text if len(text) <= TEXT_NODE else "<wbr>".join(_pieces(text)))

    def start(self, name: str, attrs: str, html: str, pos: int) -> int:
        """Open NAME (if nh3 keeps it) and return where reading goes on."""
        self.tags += 1
        if self.tags > MAX_TAGS:
            raise _TooMany
        if name in _END_OF:
            close = _END_OF[name].search(html, pos)
            stop = close.start() if close else len(html)
            if name in _RCDATA:
                self.text(html[pos:stop])
            return stop
        if name == "plaintext":
            self.text(html[pos:])
            return len(html)
        if name not in _ALLOWED:
            return pos
        closes = _CLOSES.get(name, ())
        while self.stack and self.stack[-1] in closes:
            self._pop()
        self.out.append(f"<{name}{_attributes(attrs)}>")
        if name not in _VOID:
            self.stack.append(name)
            self.open[name] = self.open.get(name, 0) + 1
            if len(self.stack) > MAX_DEPTH:
                raise _TooDeep
        return pos

    def end(self, name: str) -> None:
        """Close NAME and whatever it holds; ignore an end tag with nothing open to close."""
        if self.open.get(name):
            while self._pop() != name:
                pass

    def close_all(self) -> None:
        """Close every element still open."""
        while self.stack:
            self._pop()

    def _pop(self) -> str:
        """Close the innermost element and return its name."""
        name = self.stack.pop()
        self.open[name] -= 1
        self.out.append(f"</{name}>")
        return name


def _pieces(text: str) -> list[str]:
    """Return TEXT in pieces of about TEXT_NODE characters, never cutting a "&...;"."""
    pieces, start = [], 0
    while len(text) - start > TEXT_NODE:
        cut = start + TEXT_NODE
        amp = text.rfind("&", cut - 40, cut)  # the longest reference has 33 characters
        if amp != -1 and ";" not in text[amp:cut]:
            cut = amp
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _attributes(attrs: str) -> str:
    """Return ATTRS written out again: the first of each name, values double-quoted."""
    if not attrs or attrs.isspace():
        return ""
    written, seen = [], set()
    for name, double, single, bare in _ATTR.findall(attrs):
        name = name.lower()
        if name in seen or not _NAME.match(name):
            continue
        seen.add(name)
        value = double or single or bare
        written.append(f' {name}="{value.replace(chr(34), "&quot;")}"')
    return "".join(written)


_RAW_TEXT = re.compile(r"<(script|style)\b.*?(?:</\1[^>]*+>|\Z)", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# [^<>]: a "<" with no ">" after it is looked at up to the next "<" only, not to the end.
_BREAK = re.compile(r"</?(?:p|div|br|tr|li|h[1-6]|table|blockquote|pre|ul|ol|dl|dt|dd|hr)"
                    rf"(?:[{_W}/][^<>]*+)?>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^<>]*+>?|<[!?][^<>]*+>?")
_BLANK = re.compile(r"[^\S\n]++")


def _as_text(html: str) -> str:
    """Return the visible text of HTML as paragraphs of escaped text."""
    text = _COMMENT.sub(" ", _RAW_TEXT.sub(" ", html))
    text = _BLANK.sub(" ", htmllib.unescape(_TAG.sub("", _BREAK.sub("\n", text))))
    paragraphs, lines = [], []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            lines.append(htmllib.escape(line))
        elif lines:
            paragraphs.append("<br>".join(lines))
            lines = []
    if lines:
        paragraphs.append("<br>".join(lines))
    return "".join(f"<p>{p}</p>" for p in paragraphs)
