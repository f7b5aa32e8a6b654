import pandas as pd
import pytest

from carelib import notebook
from tests.conftest import ROOT


def test_setup_resolves_latest_and_loads_history(demo_data, tmp_path, monkeypatch):
    ctx = notebook.setup("latest", demo_data, ROOT / "carelib.toml", tmp_path / "out")
    assert ctx.month == "2025-09"
    assert ctx.history.months[0] == "2023-10" and len(ctx.history.months) == 24
    assert set(ctx.current("workforce")["month"]) == {"2025-09"}
    assert ctx.label == "September 2025"
    monkeypatch.setenv("CARELIB_TODAY", "2025-09-05")  # previous: the calendar month before
    assert notebook.setup("previous", demo_data, ROOT / "carelib.toml").month == "2025-08"
    with pytest.raises(FileNotFoundError, match="2019-01"):
        notebook.setup("2019-01", demo_data, ROOT / "carelib.toml")


def test_published_csvs_never_carry_spreadsheet_formulas(demo_data, tmp_path):
    ctx = notebook.setup("2025-09", demo_data, ROOT / "carelib.toml", tmp_path)
    frame = pd.DataFrame(
        {"update": ['=HYPERLINK("http://x")', "+1", "@SUM(A1)", "fine"], "value": [-1.5, 2, 3, 4]}
    )
    path = ctx.write_csv("check.csv", frame)
    back = pd.read_csv(path)
    assert back["update"].tolist() == ['\'=HYPERLINK("http://x")', "'+1", "'@SUM(A1)", "fine"]
    assert back["value"].tolist() == [-1.5, 2, 3, 4]
