"""safe_target: a path on this site, or the fallback."""

import pytest

from app.security.redirects import safe_target


@pytest.mark.parametrize("target", [
    None, "", "evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\x00x", "https://evil.example",
    "javascript:alert(1)", "/\x7f",
])
def test_anything_but_a_local_path_gives_the_fallback(target):
    assert safe_target(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/", "/forum/vesterbro/agenda/?status=pending#item-3",
                                    "/forum/vesterbro/meetings/4/"])
def test_a_local_path_is_kept(target):
    assert safe_target(target, "/home") == target
