"""Published CSVs: look-alike formula prefixes are guarded like their ASCII forms."""

import pandas as pd
import pytest

from carelib import notebook
from tests.conftest import ROOT

RISKY = [
    "=1+1",
    '\uff1dHYPERLINK("http://x")',  # full-width =
    "\uff0b1",  # full-width +
    "\uff0d1",  # full-width -
    "\uff20SUM(A1)",  # full-width @
    "\ufe66cmd",  # small equals
    "\u22121",  # minus sign
    " =1+1",  # after a space
    "\u3000\uff1d1",  # after an ideographic space
    "\u200b=1",  # after a zero-width space
    "\t=1",
    "\r=1",
    "\n\uff1d1",
]
SAFE = ["fine", "a=b", "1 = 1", "", "Team \uff1d A", "\u2013 an en dash note"]


@pytest.mark.parametrize("text", RISKY)
def test_look_alike_formula_starts_are_guarded(text):
    assert notebook.starts_like_formula(text), ascii(text)


@pytest.mark.parametrize("text", SAFE)
def test_ordinary_text_is_left_alone(text):
    assert not notebook.starts_like_formula(text), ascii(text)


def test_a_published_csv_carries_no_look_alike_formula(demo_data, tmp_path):
    ctx = notebook.setup("2025-09", demo_data, ROOT / "carelib.toml", tmp_path)
    # A bare CR inside a field is not quoted by pandas' writer (line terminator "\n"), so
    # it is checked above but not read back through a file here.
    risky = [t for t in RISKY if "\r" not in t]
    frame = pd.DataFrame({"update": [*risky, *SAFE, None], "n": range(len(risky) + len(SAFE) + 1)})
    path = ctx.write_csv("check.csv", frame)
    back = pd.read_csv(path, keep_default_na=False)
    guarded = back["update"].tolist()
    assert all(v.startswith("'") for v in guarded[: len(risky)]), guarded
    assert [v.strip() for v in guarded[len(risky) :]] == [v.strip() for v in SAFE] + [""]
    assert back["n"].tolist() == list(range(len(risky) + len(SAFE) + 1))
