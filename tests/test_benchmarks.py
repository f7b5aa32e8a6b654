import math
from pathlib import Path

import pandas as pd
import pytest

from carelib import benchmarks, config, rates

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
CSWW = REFERENCE / "csww_indicators_2017_to_2025.csv"
SN = REFERENCE / "sn_model_2025_wide.csv"
needs_reference = pytest.mark.skipif(
    not CSWW.is_file() or not SN.is_file(), reason="../shared/reference is absent"
)


def make_config(tmp_path, **bench):
    lines = ["[council]", 'la_code = "876"', 'region = "North West"']
    neighbours = bench.pop("neighbours", None)
    if neighbours is not None:
        lines.append(f"statistical_neighbours = {neighbours!r}".replace("'", '"'))
    lines.append("[benchmarks]")
    lines += [f'{k} = "{v}"' for k, v in bench.items()]
    path = tmp_path / "carelib.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config.load(path)


# ------------------------------------------------------------------ no reference needed


def test_parse_value_keeps_symbols():
    assert benchmarks.parse_value("13") == (13.0, "")
    assert benchmarks.parse_value(" 1,234.5 ") == (1234.5, "")
    for sym in benchmarks.SYMBOLS:
        value, symbol = benchmarks.parse_value(sym)
        assert math.isnan(value) and symbol == sym
    value, symbol = benchmarks.parse_value("")
    assert math.isnan(value) and symbol == "x"


def test_embedded_default(tmp_path):
    cfg = make_config(tmp_path, neighbours=[])
    bench = benchmarks.load_benchmarks(cfg)
    assert bench.embedded
    assert bench.source == benchmarks.SOURCE
    england = bench.england("agency_rate")
    assert list(england.index) == list(range(2017, 2026))
    assert england[2025] == 13.0
    assert bench.england("turnover_rate_12m")[2022] == 17.2  # alias of turnover_rate
    assert bench.latest("average_caseload") == benchmarks.Figure(15.2, 2025, "")
    assert bench.region("agency_rate").empty and not bench.available("region")
    assert bench.latest("agency_rate", "own") == benchmarks.Figure(None, None, "x")
    with pytest.raises(KeyError):
        bench.england("starters_12m")


def test_small_published_file_symbols_stay_symbols(tmp_path):
    text = (
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
        "region_name,old_la_code,new_la_code,la_name,agency_rate_fte,caseload_fte\n"
        "2024,Reporting year,National,E92000001,England,,,,,,16.2,15.4\n"
        "2025,Reporting year,National,E92000001,England,,,,,,13,15.2\n"
        "2025,Reporting year,Regional,E92000001,England,E1,North West,,,,12.5,16\n"
        "2024,Reporting year,Local authority,E92000001,England,E1,North West,876,E06,Halton,"
        "low,19.1\n"
        "2025,Reporting year,Local authority,E92000001,England,E1,North West,876,E06,Halton,"
        "u,c\n"
        "2025,Reporting year,Local authority,E92000001,England,E1,North West,340,E07,A,10,"
        "14\n"
        "2025,Reporting year,Local authority,E92000001,England,E1,North West,341,E08,B,20,"
        "x\n"
        "2025,Reporting year,Local authority,E92000001,England,E1,North West,342,E09,C,z,"
        "18\n"
    )
    (tmp_path / "csww.csv").write_text(text, encoding="utf-8")
    cfg = make_config(tmp_path, csww_indicators="csww.csv", neighbours=["340", "341", "342"])
    bench = benchmarks.load_benchmarks(cfg)
    assert not bench.embedded and "csww.csv" in bench.source
    own = bench.table("agency_rate", "own")
    assert math.isnan(own.loc[2024, "value"]) and own.loc[2024, "symbol"] == "low"
    assert bench.latest("agency_rate", "own") == benchmarks.Figure(None, 2025, "u")
    assert bench.latest("average_caseload", "own").symbol == "c"
    assert bench.latest("agency_rate", "region") == benchmarks.Figure(12.5, 2025, "")
    # neighbours: median of the numbers only (10, 20; C is z) = 15
    nb = bench.table("agency_rate", "neighbours")
    assert nb.loc[2025, "value"] == 15.0 and nb.loc[2025, "n"] == 2
    assert bench.neighbours_median("average_caseload")[2025] == 16.0  # 14, 18 (B is x)


def test_missing_file_is_named(tmp_path):
    cfg = make_config(tmp_path, csww_indicators="nope.csv")
    with pytest.raises(FileNotFoundError, match="benchmarks.csww_indicators"):
        benchmarks.load_benchmarks(cfg)


# --------------------------------------------------------------- published-data checks


@pytest.fixture(scope="module")
def published():
    if not CSWW.is_file():
        pytest.skip("../shared/reference is absent")
    return pd.read_csv(CSWW, dtype=str, keep_default_na=False)


def _numbers(frame, column):
    return pd.to_numeric(frame[column], errors="coerce")


@needs_reference
@pytest.mark.parametrize(
    "indicator, recompute",
    [
        (
            "agency_rate_fte",
            lambda f: rates.agency_rate(_numbers(f, "agency_fte"), _numbers(f, "inpost_fte")),
        ),
        (
            "vacancy_rate_fte",
            lambda f: rates.vacancy_rate(_numbers(f, "vacancy_fte"), _numbers(f, "inpost_fte")),
        ),
        (
            "turnover_rate_fte",
            lambda f: rates.turnover_rate(_numbers(f, "leavers_fte"), _numbers(f, "inpost_fte")),
        ),
        (
            "caseload_fte",
            lambda f: rates.average_caseload(_numbers(f, "cases"), _numbers(f, "case_holders_fte")),
        ),
    ],
)
def test_rates_reproduce_every_published_la_figure(published, indicator, recompute):
    la = published[published["geographic_level"] == "Local authority"]
    ours = recompute(la)
    theirs = _numbers(la, indicator)
    compared = ours.notna() & theirs.notna()
    # Published rates are rounded to 1 dp and computed from unrounded counts.
    failures = la.loc[
        compared & ((ours - theirs).abs() > 0.35), ["time_period", "la_name", indicator]
    ]
    assert compared.sum() >= 1300, compared.sum()
    assert failures.empty, failures.head().to_string()


@needs_reference
def test_national_and_regional_rows_as_published(tmp_path):
    cfg = make_config(tmp_path, csww_indicators=str(CSWW), statistical_neighbours_file=str(SN))
    bench = benchmarks.load_benchmarks(cfg)
    assert bench.latest("agency_rate") == benchmarks.Figure(13.0, 2025, "")
    assert bench.england("vacancy_rate")[2025] == 14.2
    assert bench.region("agency_rate").index.tolist() == list(range(2017, 2026))
    assert bench.latest("agency_rate", "region") == benchmarks.Figure(16.6, 2025, "")
    assert bench.region("vacancy_rate")[2025] == 15.7
    assert "reporting year 2025" in bench.source
    # The embedded England series is the published one.
    (tmp_path / "embedded").mkdir()
    embedded = benchmarks.load_benchmarks(make_config(tmp_path / "embedded", neighbours=[]))
    assert embedded.embedded
    for name in benchmarks.COLUMNS:
        published = bench.england(name)
        assert embedded.england(name).to_dict() == published.to_dict(), name


@needs_reference
def test_published_symbols_come_back_as_symbols():
    data = benchmarks.read_csww(CSWW)
    raw = pd.read_csv(CSWW, dtype=str, keep_default_na=False)
    n_symbols = sum(raw[c].isin(benchmarks.SYMBOLS).sum() for c in raw.columns[10:])
    symbols = data[data["symbol"] != ""]
    assert len(symbols) == n_symbols > 0
    assert symbols["value"].isna().all()
    assert set(symbols["symbol"]) <= set(benchmarks.SYMBOLS)
    assert data.loc[data["symbol"] == "", "value"].notna().all()
    low = data[(data["symbol"] == "low")]
    assert not low.empty and low["value"].isna().all()


@needs_reference
def test_neighbours_from_the_sn_file_and_from_config(tmp_path):
    cfg = make_config(tmp_path, csww_indicators=str(CSWW), statistical_neighbours_file=str(SN))
    bench = benchmarks.load_benchmarks(cfg)
    # Halton's 10 neighbours in the 2025 model (first: 342 St Helens)
    assert len(bench.neighbours) == 10 and bench.neighbours[0] == "342"
    table = bench.table("agency_rate", "neighbours")
    data = benchmarks.read_csww(CSWW)
    rows = data[
        (data["measure"] == "agency_rate_fte")
        & (data["year"] == 2025)
        & data["old_la_code"].isin(bench.neighbours)
    ]
    assert table.loc[2025, "value"] == rows["value"].median()
    assert table.loc[2025, "n"] == rows["value"].notna().sum()
    own = bench.latest("agency_rate", "own")
    assert own == benchmarks.Figure(29.0, 2025, "")  # Halton 2025 as published
    other = tmp_path / "other"
    other.mkdir()
    cfg2 = make_config(other, csww_indicators=str(CSWW), neighbours=["874"])
    assert benchmarks.load_benchmarks(cfg2).neighbours_median("agency_rate")[2025] == 18.4
