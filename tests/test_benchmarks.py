import math
from pathlib import Path

import pandas as pd
import pytest

from carelib import benchmarks, cli, config, dfe_files, rates

ROOT = Path(__file__).resolve().parents[1]
# ../shared/reference beside the clone (or beside the worktrees' folder).
REFERENCE = next(
    (
        p / "shared" / "reference"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared").is_dir()
    ),
    ROOT.parent / "shared" / "reference",
)
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


def _shipped_rows():
    """The shipped indicators file read with the csv module (independently of carelib)."""
    import csv

    with open(benchmarks.default_file(benchmarks.DEFAULT_CSWW), encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _model_row(code):
    import csv

    with open(benchmarks.default_file(benchmarks.DEFAULT_SN_MODEL), encoding="utf-8-sig") as f:
        return next(r for r in csv.DictReader(f) if r["old_la_code"].strip() == code)


def test_shipped_benchmarks_load_with_no_config_paths(tmp_path):
    cfg = make_config(tmp_path)  # la_code 876 Halton, no [benchmarks] paths
    bench = benchmarks.load_benchmarks(cfg)
    assert bench.release.shipped and bench.release.file == benchmarks.DEFAULT_CSWW
    assert (bench.release.first_year, bench.release.last_year) == (2017, 2025)
    assert "Open Government Licence v3.0" in bench.source
    assert "reporting years 2017 to 2025" in bench.source and "2025 model" in bench.source
    national = {r["time_period"]: r for r in _shipped_rows() if r["geographic_level"] == "National"}
    england = bench.england("agency_rate")
    assert list(england.index) == list(range(2017, 2026))
    for year, value in england.items():
        assert value == float(national[str(year)]["agency_rate_fte"])
    assert bench.latest("agency_rate") == benchmarks.Figure(13.0, 2025, "")
    assert bench.england("turnover_rate_12m")[2025] == float(national["2025"]["turnover_rate_fte"])
    assert bench.england("absence_rate_dfe")[2025] == float(national["2025"]["absence_rate_fte"])
    with pytest.raises(KeyError):
        bench.england("absence_rate_12m")  # monthly-weighted: not DfE's definition
    with pytest.raises(KeyError):
        bench.england("starters_12m")
    assert bench.available("region") and bench.available("neighbours")


def test_la_code_alone_picks_region_and_neighbours(tmp_path):
    path = tmp_path / "carelib.toml"
    path.write_text('[council]\nla_code = "874"\n', encoding="utf-8")
    bench = benchmarks.load_benchmarks(config.load(path))
    model = _model_row("874")  # Peterborough in DfE's 2025 model
    assert model["la_name"].strip() == "Peterborough"
    assert bench.region_name == model["region_name"].strip() == "East of England"
    assert bench.neighbours == [model[f"SN_{i}"].strip() for i in range(1, 11)]
    region = bench.latest("agency_rate", "region")
    published = next(
        r
        for r in _shipped_rows()
        if r["geographic_level"] == "Regional"
        and r["region_name"] == "East of England"
        and r["time_period"] == "2025"
    )
    assert region == benchmarks.Figure(float(published["agency_rate_fte"]), 2025, "")
    own = next(
        r for r in _shipped_rows() if r["old_la_code"] == "874" and r["time_period"] == "2025"
    )
    assert bench.latest("agency_rate", "own").value == float(own["agency_rate_fte"])


def test_config_overrides_the_model(tmp_path):
    cfg = make_config(tmp_path, neighbours=["874", "873"])
    bench = benchmarks.load_benchmarks(cfg)
    assert bench.neighbours == ["874", "873"] and bench.region_name == "North West"


def test_unknown_la_code_needs_region_and_neighbours(tmp_path):
    path = tmp_path / "carelib.toml"
    path.write_text('[council]\nla_code = "999"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match="council.la_code: '999' is not an LA code"):
        benchmarks.load_benchmarks(config.load(path))
    # The demo council (fictional 999) sets both, and works.
    demo = benchmarks.load_benchmarks(config.load(ROOT / "carelib.toml"))
    assert demo.la_code == "999" and demo.region_name == "North West"
    assert len(demo.neighbours) == 10


def test_unknown_region_is_named(tmp_path):
    path = tmp_path / "carelib.toml"
    path.write_text('[council]\nla_code = "874"\nregion = "Narnia"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match="council.region: 'Narnia'"):
        benchmarks.load_benchmarks(config.load(path))


LA_CODES = ("940 / 941", "928", "874")


def test_joint_return_neighbour_is_matched(tmp_path):
    # West Northamptonshire (941) is published in the joint row "940 / 941".
    bench = benchmarks.load_benchmarks(make_config(tmp_path, neighbours=["941", "874"]))
    rows = {
        (r["old_la_code"], r["time_period"]): float(r["agency_rate_fte"])
        for r in _shipped_rows()
        if r["geographic_level"] == "Local authority" and r["old_la_code"] in LA_CODES
    }
    fig = bench.at("agency_rate", "neighbours", 2025)
    assert (fig.n, fig.of, fig.missing) == (2, 2, ())
    assert fig.value == pytest.approx((rows[("940 / 941", "2025")] + rows[("874", "2025")]) / 2)
    assert fig.matched == (
        "West Northamptonshire: published in the joint return North Northamptonshire / "
        "West Northamptonshire (940 / 941)",
    )
    # Before 2021 it takes the figure of the former council, Northamptonshire (928).
    old = bench.table("agency_rate", "neighbours").loc[2019]
    assert old["value"] == pytest.approx((rows[("928", "2019")] + rows[("874", "2019")]) / 2)
    assert "former council Northamptonshire (928)" in old["matched"][0]


def test_kingston_and_richmond_and_cumbria(tmp_path):
    bench = benchmarks.load_benchmarks(make_config(tmp_path, neighbours=["318", "942", "839"]))
    table = bench.table("agency_rate", "neighbours")
    # Richmond (318) is in Kingston's joint return every year; Cumberland (942) takes
    # Cumbria (909) to 2022; BCP (839, from 2019) has no single former council.
    assert table.loc[2025, "n"] == 3 and table.loc[2022, "n"] == 3
    assert table.loc[2018, "n"] == 2
    assert table.loc[2018, "missing"] == ("Bournemouth, Christchurch and Poole",)


def test_census_year_of_a_month():
    import datetime as dt

    assert benchmarks.census_year(dt.date(2025, 9, 30)) == 2025
    assert benchmarks.census_year(dt.date(2025, 8, 31)) == 2024
    assert benchmarks.census_year(dt.date(2026, 3, 31)) == 2025


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
    assert not bench.release.shipped and "csww.csv" in bench.source
    own = bench.table("agency_rate", "own")
    assert math.isnan(own.loc[2024, "value"]) and own.loc[2024, "symbol"] == "low"
    assert bench.latest("agency_rate", "own") == benchmarks.Figure(None, 2025, "u")
    assert bench.latest("average_caseload", "own").symbol == "c"
    assert bench.latest("agency_rate", "region") == benchmarks.Figure(12.5, 2025, "")
    # neighbours: median of the numbers only (10, 20; C is z) = 15
    nb = bench.table("agency_rate", "neighbours")
    assert nb.loc[2025, "value"] == 15.0 and nb.loc[2025, "n"] == 2
    assert bench.neighbours_median("average_caseload")[2025] == 16.0  # 14, 18 (B is x)


def test_partial_neighbour_median_names_the_missing(tmp_path):
    text = (
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
        "region_name,old_la_code,new_la_code,la_name,agency_rate_fte\n"
        "2025,Reporting year,National,E92000001,England,,,,,,13\n"
        "2025,Reporting year,Regional,E92000001,England,E1,North West,,,,12.5\n"
        "2025,Reporting year,Local authority,E92000001,England,E1,North West,340,E08,Knowsley,10\n"
        "2025,Reporting year,Local authority,E92000001,England,E1,North West,888,E10,Lancashire,"
        "c\n"
        "2025,Reporting year,Local authority,E92000001,England,E1,North West,357,E08,Tameside,20\n"
    )
    (tmp_path / "csww.csv").write_text(text, encoding="utf-8")
    cfg = make_config(tmp_path, csww_indicators="csww.csv", neighbours=["340", "888", "357", "359"])
    fig = benchmarks.load_benchmarks(cfg).latest("agency_rate", "neighbours")
    assert (fig.value, fig.n, fig.of) == (15.0, 2, 4)
    # Lancashire's figure is suppressed (c); Wigan (359) has no row: both named.
    assert fig.missing == ("Lancashire", "Wigan")
    assert fig.coverage() == (
        "median of 2 of 4 neighbours; no published figure for Lancashire and Wigan"
    )


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
            "absence_rate_fte",
            lambda f: rates.dfe_absence_rate(
                _numbers(f, "working_days_lost_fte"), _numbers(f, "inpost_fte")
            ),
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
    assert "reporting years 2017 to 2025" in bench.source
    # The shipped copies are the published files.
    shipped = benchmarks.default_file(benchmarks.DEFAULT_CSWW)
    assert shipped.read_bytes() == CSWW.read_bytes()
    model = benchmarks.default_file(benchmarks.DEFAULT_SN_MODEL)
    assert model.read_bytes() == SN.read_bytes()


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


# ------------------------------------------------------- switching to a newer download


def test_shipped_file_passes_the_check():
    assert dfe_files.check_csww(benchmarks.default_file(benchmarks.DEFAULT_CSWW)) == []


def _write_bad_copy(path, column, row, value):
    import csv

    rows = _shipped_rows()
    rows[row - 2][column] = value  # row as in a spreadsheet: the header is row 1
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_check_names_file_column_rows_and_values(tmp_path):
    bad = tmp_path / "new.csv"
    _write_bad_copy(bad, "agency_rate_fte", 7, "13..0")
    problems = dfe_files.check_csww(bad)
    assert problems == [
        "new.csv, column agency_rate_fte, rows 7: neither a number nor a DfE symbol "
        "(z, x, c, low, k, u): 13..0"
    ]
    _write_bad_copy(bad, "vacancy_rate_fte", 3, "140")
    assert (
        "column vacancy_rate_fte, rows 3: a rate outside 0 to 100 (140)"
        in (dfe_files.check_csww(bad)[0])
    )
    bad.write_text("time_period,geographic_level\n2025,National\n", encoding="utf-8")
    assert dfe_files.check_csww(bad)[0].startswith("new.csv: missing columns region_name")


def test_update_copies_into_the_project_and_sets_the_config(tmp_path, capsys):
    project = tmp_path / "project"
    project.mkdir()
    toml = project / "carelib.toml"
    toml.write_text(
        '[council]\nla_code = "874"\n\n[benchmarks]\n'
        'csww_indicators = ""   # DfE indicators CSV\n\n[paths]\ndata = "data"\n',
        encoding="utf-8",
    )
    download = tmp_path / "csww_indicators_2017_to_2026.csv"
    download.write_bytes(benchmarks.default_file(benchmarks.DEFAULT_CSWW).read_bytes())
    code = cli.main(["--config", str(toml), "benchmarks", "update", str(download)])
    out = capsys.readouterr().out
    assert code == 0, out
    copied = project / "reference" / download.name
    assert copied.read_bytes() == download.read_bytes()
    text = toml.read_text(encoding="utf-8")
    assert (
        'csww_indicators = "reference/csww_indicators_2017_to_2026.csv"   # DfE indicators CSV'
        in text
    )
    assert '[paths]\ndata = "data"' in text  # the rest of the file is kept
    bench = benchmarks.load_benchmarks(config.load(toml))
    assert not bench.release.shipped and download.name in bench.source
    assert download.name in out and "region East of England" in out
    # A bad download is refused with every problem, and nothing changes.
    bad = tmp_path / "bad.csv"
    _write_bad_copy(bad, "caseload_fte", 4, "many")
    assert cli.main(["--config", str(toml), "benchmarks", "update", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.csv, column caseload_fte, rows 4" in err
    assert not (project / "reference" / "bad.csv").exists()
    assert toml.read_text(encoding="utf-8") == text


def test_set_config_path_adds_a_missing_key_and_section(tmp_path):
    toml = tmp_path / "carelib.toml"
    toml.write_text('[council]\nla_code = "874"\n', encoding="utf-8")
    dfe_files.set_config_path(toml, "csww_indicators", "reference/x.csv")
    assert config.load(toml)["benchmarks"]["csww_indicators"] == "reference/x.csv"
    dfe_files.set_config_path(toml, "statistical_neighbours_file", "reference/sn.csv")
    cfg = config.load(toml)
    assert cfg["benchmarks"]["statistical_neighbours_file"] == "reference/sn.csv"
    assert cfg["benchmarks"]["csww_indicators"] == "reference/x.csv"


# ------------------------------------------------------------- on the built pages


def test_pages_that_use_benchmarks_name_source_release_and_licence(demo_reports):
    # The shared session build of the demo month (tests/conftest.py): no extra build.
    import html

    month = demo_reports / "2025-09"
    for page in ("workforce.html", "index.html"):
        text = html.unescape((month / page).read_text(encoding="utf-8"))
        assert "Open Government Licence v3.0" in text, page
        assert "reporting years 2017 to 2025" in text, page
        assert "census 30 September 2025" in text, page
    text = html.unescape((month / "workforce.html").read_text(encoding="utf-8"))
    # The demo's ten neighbours are all published (941 through the joint return).
    assert "median of 10 of 10 neighbours" in text
    assert "published in the joint return North Northamptonshire / West Northamptonshire" in text
    assert "By DfE's definition" in text
    book = pd.read_csv(month / "workforce_dictionary.csv")
    assert "absence_rate_dfe" in set(book["name"])
    assert (month / "plan_dictionary.csv").is_file()


def test_update_with_a_neighbour_model_sets_its_own_key(tmp_path, capsys):
    toml = tmp_path / "carelib.toml"
    toml.write_text('[council]\nla_code = "874"\n', encoding="utf-8")
    model = tmp_path / "sn_model_2026_wide.csv"
    text = benchmarks.default_file(benchmarks.DEFAULT_SN_MODEL).read_text(encoding="utf-8-sig")
    model.write_text(text, encoding="utf-8")
    assert cli.main(["--config", str(toml), "benchmarks", "update", str(model)]) == 0
    assert "benchmarks.statistical_neighbours_file" in capsys.readouterr().out
    bench = benchmarks.load_benchmarks(config.load(toml))
    assert "2026 model" in bench.source and len(bench.neighbours) == 10
    # A neighbour code that is not an LA of the model is refused, naming row and column.
    lines = text.splitlines()
    cells = lines[3].split(",")
    cells[4] = "123"  # SN_1 of the third LA
    lines[3] = ",".join(cells)
    bad = tmp_path / "sn_bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert dfe_files.check_sn_model(bad) == [
        "sn_bad.csv, column SN_1, rows 4: a neighbour that is not an LA of the file (123)"
    ]
    assert cli.main(["--config", str(toml), "benchmarks", "update", str(bad)]) == 1


def test_a_configured_bad_file_stops_with_its_problems(tmp_path):
    _write_bad_copy(tmp_path / "csww.csv", "turnover_rate_fte", 9, "n/a")
    cfg = make_config(tmp_path, csww_indicators="csww.csv")
    with pytest.raises(config.ConfigError) as caught:
        benchmarks.load_benchmarks(cfg)
    assert "benchmarks.csww_indicators" in str(caught.value)
    assert "csww.csv, column turnover_rate_fte, rows 9" in str(caught.value)
