import multiprocessing as mp
import os

import pytest

from carelib import publish


def _hold_lock(folder, ready, release):
    with publish.locked(folder):
        ready.set()
        release.wait(20)


def test_lock_held_by_another_process_is_reported(tmp_path):
    ctx = mp.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(tmp_path, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(publish.LockHeld) as err:
            with publish.locked(tmp_path):
                pass
        assert f"pid {holder.pid}" in str(err.value)
        assert str(tmp_path) in str(err.value)
    finally:
        release.set()
        holder.join(10)
    with publish.locked(tmp_path):  # free again once the holder is done
        pass


def test_swap_in_replaces_a_month_and_recover_undoes_a_half_swap(tmp_path):
    old = tmp_path / "2025-09"
    old.mkdir()
    (old / "index.html").write_text("old")
    staged = publish.staging_dir(tmp_path, "2025-09")
    (staged / "index.html").write_text("new")
    publish.swap_in(staged, tmp_path, "2025-09")
    assert (old / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-09"]

    # A run killed between its two renames leaves the month aside: recover puts it back.
    (old).rename(tmp_path / f"{publish.OLD_PREFIX}2025-09.{os.getpid()}")
    (tmp_path / f"{publish.STAGING_PREFIX}2025-09.999").mkdir()
    assert publish.recover(tmp_path) == ["2025-09"]
    assert (old / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-09"]


def test_write_atomic(tmp_path):
    path = tmp_path / "index.html"
    publish.write_atomic(path, "one")
    publish.write_atomic(path, "two")
    assert path.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
