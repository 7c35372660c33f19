"""Score the mail pipeline on the held-out mails.

    .venv/bin/python -m tests.heldout.score [--json] [--root PATH]

A mail counts right when what the pipeline would do on its own matches the expectation:
nothing (any kind but an unreviewed rsvp or bounce), or the same answer to the same
invitation, or a bounce of the same addresses. An unsafe miss is a mail acted on
automatically that should not be, or acted on wrongly.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def automatic(decision: Any) -> tuple | None:
    """Return what DECISION would make the app do without a person, or None."""
    if decision.needs_review:
        return None
    if decision.kind == "rsvp":
        return ("rsvp", decision.rsvp, decision.invitation_id)
    if decision.kind == "bounce" and decision.bounced_recipients:
        return ("bounce", tuple(sorted(a.lower() for a in decision.bounced_recipients)))
    return None


def wanted(exp: dict) -> tuple | None:
    """Return what the app should do on its own with the mail EXP describes, or None."""
    if not exp["applied"]:
        return None
    if exp.get("act") == "bounce":
        return ("bounce", tuple(sorted(a.lower() for a in exp["bounced"])))
    return ("rsvp", exp["rsvp"], exp["invitation_id"])


def score(decide: Any, ctx: Any) -> dict:
    """Decide every held-out mail and return the per-class tally and the misses."""
    expected = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
    classes: dict[str, dict] = {}
    misses, notes = [], []
    for name, exp in expected.items():
        decision = decide((HERE / "mails" / name).read_bytes(), ctx)
        got, want = automatic(decision), wanted(exp)
        tally = classes.setdefault(exp["class"], {"right": 0, "total": 0, "unsafe": 0})
        tally["total"] += 1
        row = {"file": name, "class": exp["class"], "expected": exp, "kind": decision.kind,
               "rsvp": decision.rsvp, "invitation_id": decision.invitation_id,
               "needs_review": decision.needs_review,
               "bounced_recipients": list(decision.bounced_recipients),
               "reasons": list(decision.reasons), "error": decision.error}
        if got == want:
            tally["right"] += 1
        else:
            row["unsafe"] = got is not None
            tally["unsafe"] += int(got is not None)
            misses.append(row)
        if exp.get("kind") and exp["kind"] != decision.kind and got == want:
            notes.append(row)
    total = {k: sum(c[k] for c in classes.values()) for k in ("right", "total", "unsafe")}
    return {"classes": dict(sorted(classes.items())), "total": total, "misses": misses,
            "kind_notes": notes}


def _describe(row: dict) -> str:
    """Return one miss as a few readable lines."""
    exp = row["expected"]
    want = wanted(exp)
    flag = "UNSAFE " if row.get("unsafe") else ""
    lines = [f"  {flag}{row['file']}",
             f"      expected: {'apply ' + str(want) if want else 'not applied'}"
             f"{' (kind ' + exp['kind'] + ')' if exp.get('kind') else ''} - {exp['why']}",
             f"      got: kind={row['kind']} rsvp={row['rsvp']} inv={row['invitation_id']}"
             f" needs_review={row['needs_review']}"
             + (f" bounced={row['bounced_recipients']}" if row["bounced_recipients"] else "")]
    lines += [f"        - {reason}" for reason in row["reasons"]]
    if row["error"]:
        lines.append(f"        ! {row['error']}")
    return "\n".join(lines)


def report(result: dict, root: str) -> str:
    """Return the human-readable score."""
    out = [f"held-out mails scored against {root}", ""]
    for cls, t in result["classes"].items():
        out.append(f"  {cls}: {t['right']:2d}/{t['total']:<2d}  unsafe misses: {t['unsafe']}")
    t = result["total"]
    out += [f"  all: {t['right']}/{t['total']}  unsafe misses: {t['unsafe']}", ""]
    if result["misses"]:
        out.append("misses:")
        out += [_describe(row) for row in result["misses"]]
    if result["kind_notes"]:
        out += ["", "right, but of another kind than expected:"]
        out += [f"  {r['file']}: kind={r['kind']} (expected {r['expected']['kind']})"
                for r in result["kind_notes"]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, score, print; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--root", help="import the app from this checkout instead")
    args = parser.parse_args(argv)
    if args.root:
        sys.path.insert(0, str(Path(args.root).resolve()))
    # Imported only now, so that --root decides which app is scored.
    import app
    from app.mail.pipeline import decide
    from tests.heldout.context import build_context

    root = str(Path(app.__file__).resolve().parents[1])
    result = score(decide, build_context())
    result["root"] = root
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json
          else report(result, root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
