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
    message, so each answer can be kept.
    """

    def get(self, name, failobj=None):
        """Return header NAME, parsed on the first call only."""
        return self._kept("_parsed", super().get, name, failobj)

    def get_all(self, name, failobj=None):
        """Return every header NAME, parsed on the first call only."""
        return self._kept("_parsed_all", super().get_all, name, failobj)

    def _kept(self, store: str, fetch, name, failobj):
        """Return what FETCH gives for NAME, asked once and kept in STORE."""
        cache = self.__dict__.setdefault(store, {})
        key = name.lower()
        if key not in cache:
            cache[key] = fetch(name, _ABSENT)
        value = cache[key]
        return failobj if value is _ABSENT else value


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
