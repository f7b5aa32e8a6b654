"""The personal-data scan itself: what counts as an identifier, disguises, scale."""

import json
import time

import pytest

from carelib import loading, privacy

IDS = {"W00100", "W001", "W00777", "AB12CD"}


def found(tmp_path, text: str, name: str = "page.html", ids=IDS) -> dict[str, int]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    leaks = privacy.scan(tmp_path, ids)
    (tmp_path / name).unlink()
    return {leak.worker_id: leak.count for leak in leaks}


def test_scan_finds_whole_ids_only_and_skips_inlined_images(tmp_path):
    (tmp_path / "page.html").write_text(
        '<p>W0012 and W00123.</p><img src="data:image/png;base64,AAW00123BB">'
    )
    (tmp_path / "table.csv").write_text("team,n\nW00123,1\n")
    leaks = privacy.scan(tmp_path, {"W00123", "W001"})
    assert [(leak.path.name, leak.worker_id, leak.count) for leak in leaks] == [
        ("page.html", "W00123", 1),
        ("table.csv", "W00123", 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "W00100-2025",
        "W00100_sickness",
        "Team-W00100",
        "team_w00100",
        "xW00100y",  # letters either side: still the id's characters in order
        "W00100sickness",
        "<td>w00100</td>",
        "id=W00100;",
    ],
)
def test_an_id_is_found_whatever_surrounds_it_in_any_case(tmp_path, text):
    assert found(tmp_path, text) == {"W00100": 1}


@pytest.mark.parametrize(
    "text",
    [
        "W\u200b00100",  # zero-width space
        "W\u00ad00100",  # soft hyphen
        "\ufeffW00\u2060100",  # BOM, word joiner
        "W0\u200d0100\u200c",  # joiners
        "W00100\ufe0f",  # variation selector
        "\uff37\uff10\uff10\uff11\uff10\uff10",  # full width
        "\u051c00100",  # Cyrillic Ԝ
        "W\u0660\u0660\u0661\u0660\u0660",  # Arabic-Indic digits
        "W\u030300100",  # a combining mark on the W
        "&#87;00100",  # decimal character reference
        "&#x57;&#x30;0100",  # hexadecimal
        "&amp;#87;00100",  # encoded twice
        "W<span></span>00100",  # markup inside the id
        "\U000e0057W00100",  # a Unicode tag character
    ],
)
def test_invisible_characters_lookalikes_and_entities_do_not_hide_an_id(tmp_path, text):
    assert found(tmp_path, text) == {"W00100": 1}, ascii(text)


def test_json_escapes_in_an_executed_notebook_are_decoded(tmp_path):
    text = r'{"cells": [{"outputs": [{"text": "W\u200b00100 and \u0057\u00300100"}]}]}'
    assert json.loads(text)
    assert "W00100" not in text  # only the decoded JSON shows it
    assert found(tmp_path, text, "nb.ipynb") == {"W00100": 2}


def test_digits_next_to_a_digit_edge_make_another_number(tmp_path):
    # W001 is an id, but W00100 and W0012 are other identifiers' digits.
    assert found(tmp_path, "W00100 W0012 W0010", ids={"W001"}) == {}
    assert found(tmp_path, "W001 W001.5 (W001)", ids={"W001"}) == {"W001": 3}
    assert found(tmp_path, "2W001", ids={"W001"}) == {"W001": 1}
    # An id that ends in letters: a following digit is no boundary.
    assert found(tmp_path, "AB12CD3 xab12cd", ids={"AB12CD"}) == {"AB12CD": 2}
    # An id starting with a digit: a digit before it makes another number.
    assert found(tmp_path, "12W 312W a12w", ids={"12W"}) == {"12W": 2}


def test_two_ids_overlapping_are_both_counted(tmp_path):
    assert found(tmp_path, "W00100 W001 W00777") == {"W00100": 1, "W001": 1, "W00777": 1}


def test_every_file_is_scanned_except_images(tmp_path):
    for name in ("notes.txt", "extra.tsv", "chart.svg", "data.parquet", "README"):
        assert found(tmp_path, "x W00777 x", name) == {"W00777": 1}, name
    (tmp_path / "chart.png").write_bytes(b"W00777")
    assert privacy.scan(tmp_path, IDS) == []


def test_ids_of_former_leavers_are_scanned_for(demo_data):
    first = loading.load_month(demo_data, "2023-10").workforce["worker_id"]
    latest = loading.load_month(demo_data, "2025-09").workforce["worker_id"]
    gone = set(first) - set(latest)
    assert gone, "the demo has leavers"
    assert gone <= privacy.data_worker_ids(demo_data)


def test_scan_is_linear_in_the_output_not_ids_times_output(tmp_path):
    """60,000 ids over 6 MB of output: one pass (the old alternation took minutes)."""
    ids = {f"S{i:07d}" for i in range(60_000)}
    filler = "".join(f"<td>{i}</td><td>T{i:07d}</td>" for i in range(200_000))
    (tmp_path / "page.html").write_text(filler + "<td>S0059999</td>", encoding="utf-8")
    t = time.perf_counter()
    leaks = privacy.scan(tmp_path, ids)
    seconds = time.perf_counter() - t
    assert [(leak.worker_id, leak.count) for leak in leaks] == [("S0059999", 1)]
    assert seconds < 10, seconds
