"""The composing modules stay pure: no web framework, database, queue or socket."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

MAIL = Path(__file__).resolve().parents[2] / "app" / "mail"
MODULES = sorted([*MAIL.glob("compose*.py"), *MAIL.glob("itip_*.py"), MAIL / "dates.py"])
MODULES.append(MAIL / "messages.py")
FORBIDDEN = ("flask", "flask_mail", "sqlalchemy", "redis", "rq", "smtplib", "socket")


def imported_modules(path: Path) -> set[str]:
    """Return the modules PATH imports, as written."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_nothing_impure(path: Path) -> None:
    for name in imported_modules(path):
        assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
        if name.startswith("app."):
            assert name.startswith("app.mail."), f"{path.name} imports {name}"
