"""Replay the trust corpus (tests/test_trust_corpus.py) against another carelib.

Each case breaks a copy of the demo's last five months and runs that carelib's
``validate --month 2025-09`` in this process; the cases it lets through (exit 0) are
those that once passed silently. Run it against an old checkout:

    git archive <commit> | tar -x -C /tmp/carelib-old
    PYTHONPATH=/tmp/carelib-old .venv/bin/python tools/trust_corpus_baseline.py /tmp/carelib-old

Nothing is written outside a temporary folder, which is removed at the end.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(expected_source: str) -> int:
    """Print the cases the carelib on ``sys.path`` lets through; return 0."""
    sys.path.insert(0, str(ROOT / "tests"))
    import carelib

    if not carelib.__file__.startswith(expected_source):
        raise SystemExit(f"carelib comes from {carelib.__file__}, not {expected_source}")
    import test_trust_corpus as corpus

    from carelib import cli, demo

    root = Path(tempfile.mkdtemp(prefix="carelib-baseline-"))
    try:
        demo.write_demo_data(root / "demo", seed=2025)
        outcome: dict[str, object] = {}
        for name, func in sorted(corpus.CASES.items()):
            data = corpus.copy_history(root / "demo", root / name / "data")
            func(data)
            config = corpus.write_config(root / name, data)
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                try:
                    outcome[name] = cli.main(
                        ["--config", str(config), "validate", "--month", corpus.MONTH]
                    )
                except Exception as exc:  # an old version may crash: not silent either
                    outcome[name] = f"crashed ({type(exc).__name__})"
    finally:
        shutil.rmtree(root)
    silent = [n for n, code in outcome.items() if code == 0]
    print(f"{len(silent)} of {len(outcome)} cases passed silently (exit 0):")
    for name in silent:
        print(f"  {name}")
    for name, code in outcome.items():
        if code != 0:
            print(f"  refused: {name} ({code})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT)))
