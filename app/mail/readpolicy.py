"""The email policy mail is read with: policy.default, each header parsed once."""

from __future__ import annotations

from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from functools import lru_cache

_ABSENT = object()


class ReadOnlyMessage(EmailMessage):
    """An EmailMessage that parses each header once.

    policy.default turns a header into an object on every access, and the rules
    ask for the same few headers dozens of times; the pipeline never changes a
    message, so each answer can be kept (and is forgotten if a header changes).
    """

    def get(self, name, failobj=None):
        """Return header NAME, parsed on the first call only."""
        return self._kept("_parsed", super().get, name, failobj)

    def get_all(self, name, failobj=None):
        """Return every header NAME, parsed on the first call only."""
        return self._kept("_parsed_all", super().get_all, name, failobj)

    def __contains__(self, name):
        """Tell whether header NAME is present, looked up once."""
        return self._kept("_present", lambda key, _: super(ReadOnlyMessage, self)
                          .__contains__(key), name, False)

    def _get_params_preserve(self, failobj, header):
        """Return HEADER's parameters as the stdlib reads them, split on the first call only.

        get_param reads a part's charset, filename, boundary and report type this way,
        a dozen times a message, and the stdlib splits the header again each time.
        """
        params = self._kept("_params", lambda key, _: super(ReadOnlyMessage, self)
                            ._get_params_preserve(_ABSENT, key), header, failobj)
        return list(params) if isinstance(params, list) else params

    def _kept(self, store: str, fetch, name, failobj):
        """Return what FETCH gives for NAME, asked once and kept in STORE."""
        cache = self.__dict__.setdefault(store, {})
        key = name.lower()
        if key not in cache:
            cache[key] = fetch(name, _ABSENT)
        value = cache[key]
        return failobj if value is _ABSENT else value

    def _forget(self) -> None:
        """Drop what was kept: the headers changed (while parsing, or by a caller)."""
        for store in _STORES:
            self.__dict__.pop(store, None)

    def set_raw(self, name, value):
        """Append header NAME as the parser does, forgetting what was kept."""
        self._forget()
        super().set_raw(name, value)

    def __setitem__(self, name, val):
        """Add header NAME, forgetting what was kept."""
        self._forget()
        super().__setitem__(name, val)

    def __delitem__(self, name):
        """Delete every header NAME, forgetting what was kept."""
        self._forget()
        super().__delitem__(name)

    def replace_header(self, _name, _value):
        """Replace the first header _NAME, forgetting what was kept."""
        self._forget()
        super().replace_header(_name, _value)

    def add_header(self, _name, _value, **_params):
        """Add header _NAME with parameters, forgetting what was kept."""
        self._forget()
        super().add_header(_name, _value, **_params)


#: Where a ReadOnlyMessage keeps what it read of its headers.
_STORES = ("_parsed", "_parsed_all", "_present", "_params")


class _HeaderClasses(HeaderRegistry):
    """policy.default's header registry, making each header class once.

    The stdlib's registry builds a new class for every header it parses; a
    message has a dozen headers the rules read, a batch thousands of messages.
    """

    @lru_cache(maxsize=256)  # noqa: B019 - one registry for the life of the process
    def __getitem__(self, name):
        """Return the class for headers called NAME, made on the first call only."""
        return super().__getitem__(name)


class _ReadPolicy(EmailPolicy):
    """policy.default, each header line parsed once for every message that carries it.

    The parts of one mail after another say "text/plain; charset=utf-8", and a forum's
    mail comes from a few dozen senders: parsing such a line again costs a tenth of a
    millisecond each time (a sixth of reading a batch). The parsed headers are
    immutable, so messages can share them.
    """

    def header_fetch_parse(self, name, value):
        """Return header NAME parsed from VALUE, from memory when it was seen before."""
        if hasattr(value, "name") or len(value) > _REMEMBERED_LENGTH:
            return super().header_fetch_parse(name, value)
        return _parsed_header(self, name, value)


#: Longer lines are parsed every time: a hostile mail must not fill the memory.
_REMEMBERED_LENGTH = 1000


@lru_cache(maxsize=4096)
def _parsed_header(read_policy: EmailPolicy, name: str, value: str):
    """Return header NAME parsed from VALUE by READ_POLICY (policy.default's way)."""
    return EmailPolicy.header_fetch_parse(read_policy, name, value)


READ_POLICY = _ReadPolicy(message_factory=ReadOnlyMessage, header_factory=_HeaderClasses())
