"""The personal-data scan itself: whole-token matching, images skipped, every month's ids."""

from carelib import loading, privacy


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


def test_ids_of_former_leavers_are_scanned_for(demo_data):
    first = loading.load_month(demo_data, "2023-10").workforce["worker_id"]
    latest = loading.load_month(demo_data, "2025-09").workforce["worker_id"]
    gone = set(first) - set(latest)
    assert gone, "the demo has leavers"
    assert gone <= privacy.data_worker_ids(demo_data)
