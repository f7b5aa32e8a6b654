"""Helpers for the publishing and data-safety tests: folder snapshots, stand-in notebooks."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: files by checksum, folders, links by their target.

    Nothing is followed, so a file added, removed, renamed or changed, a folder added or
    a link made anywhere inside changes the snapshot.
    """
    state = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = Path(root) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                state[key] = "link -> " + os.readlink(path)
            elif path.is_dir():
                state[key] = "folder"
            else:
                state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def month_state(folder: Path | None) -> dict[str, str] | None:
    """A published month's files (through its link) by checksum, or None if absent."""
    if folder is None or not folder.is_dir():
        return None
    state = {}
    for root, _, files in os.walk(folder, followlinks=True):
        for name in files:
            path = Path(root) / name
            state[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return state
