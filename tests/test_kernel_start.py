"""A kernel that fails to start (a port taken by another kernel) is started once more.

On a busy machine jupyter_client can hand two kernels starting at once the same free
port; the second exits at once ("Address already in use") and nbclient reports that the
kernel died before it answered. :func:`carelib.runner.execute` starts it once more. Here
the first kernel this manager starts is a process that exits at once, as that one does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import AsyncKernelManager

from carelib import config, month_build, runner
from tests.publish_support import write_standins

MONTH = "2025-09"


class FirstKernelDies(AsyncKernelManager):
    """A kernel manager whose first kernel exits before it answers (nothing else changed)."""

    launched = 0

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        FirstKernelDies.launched += 1
        if FirstKernelDies.launched == 1:
            kernel_cmd = [sys.executable, "-c", "raise SystemExit(1)"]
        return await super()._async_launch_kernel(kernel_cmd, **kw)


def options(tmp_path: Path) -> runner.RunOptions:
    return runner.RunOptions(
        config=config.load(None),
        data_dir=tmp_path / "data",
        reports_dir=tmp_path / "reports",
        notebooks_dir=tmp_path / "notebooks",
    )


def test_a_kernel_that_dies_while_starting_is_started_once_more(tmp_path):
    notebooks = write_standins(tmp_path / "notebooks")
    nb_path = notebooks / "01_workforce.ipynb"
    parameters = {"month": MONTH, "data_dir": "", "config_path": "", "output_dir": ""}
    parameters["publication"] = False
    FirstKernelDies.launched = 0

    out = tmp_path / "out.ipynb"
    nb = runner.execute(nb_path, out, parameters, options(tmp_path), FirstKernelDies)

    assert FirstKernelDies.launched == 2
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert any(f"Workforce for {MONTH}." in str(o.get("data", {})) for o in outputs)
    assert nbformat.read(out, as_version=4).cells


def test_a_failing_cell_is_not_run_again(tmp_path):
    notebooks = write_standins(tmp_path / "notebooks", "\nraise ValueError('the analyst cell')\n")
    parameters = {"month": MONTH, "data_dir": "", "config_path": "", "output_dir": ""}
    parameters["publication"] = False
    FirstKernelDies.launched = 1  # every kernel starts

    with pytest.raises(Exception) as caught:
        runner.execute(
            notebooks / "01_workforce.ipynb", tmp_path / "out.ipynb", parameters,
            options(tmp_path), FirstKernelDies,
        )  # fmt: skip
    assert type(caught.value).__name__ == "PapermillExecutionError"
    assert FirstKernelDies.launched == 2  # one kernel: the cell's error is not retried


@pytest.mark.skipif(sys.platform == "win32", reason="ZeroMQ has no IPC transport on Windows")
def test_the_runs_kernels_use_private_sockets_not_tcp_ports(tmp_path):
    """No port to race for: the run's kernels listen on socket files in a private folder."""
    notebooks = write_standins(tmp_path / "notebooks")
    parameters = {"month": MONTH, "data_dir": "", "config_path": "", "output_dir": ""}
    parameters["publication"] = False

    with month_build._kernel_stderr() as (_, manager):
        nb = runner.execute(
            notebooks / "01_workforce.ipynb", tmp_path / "out.ipynb", parameters,
            options(tmp_path), manager,
        )  # fmt: skip
        (km,) = manager.started
        folder = Path(km.ip).parent
        assert km.transport == "ipc"
        assert folder.is_dir() and folder.name.startswith("carelib-k")
    assert any(f"Workforce for {MONTH}." in str(o) for c in nb.cells for o in c.get("outputs", []))
    assert not folder.exists()  # the sockets' folder goes with the run
