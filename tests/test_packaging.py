"""Packaging: environment.yml and pyproject.toml list the same pinned dependencies."""

import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement):
    name, _, version = requirement.partition("==")
    return re.sub(r"[-_.]+", "-", name.strip().lower()), version.strip()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert sorted(map(_normalise, project["dependencies"])) == sorted(map(_normalise, pip_section))
    assert all(version for _, version in map(_normalise, project["dependencies"])), "pin every dependency"
    assert any(str(d).startswith("python=3.11") for d in environment["dependencies"])


def test_notebooks_are_stored_without_outputs():
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        tags = [c.metadata.get("tags", []) for c in code]
        assert sum("parameters" in t for t in tags) == 1, path.name
        assert notebook.metadata["kernelspec"]["name"] == "upr-lab"


def test_every_name_of_the_environments_python_registers_the_same_kernel():
    """A batch started by the console script (``python3``) and the tests (``python``) must agree on the kernel
    spec, or each rewrites it while the other starts kernels."""
    import subprocess
    import sys

    names = [p for p in (Path(sys.prefix) / "bin").glob("python*") if p.name in ("python", "python3")]
    argv = {subprocess.run([str(p), "-c", "from upr_lab.runs import kernel; print(kernel.ARGV[0])"],
                           capture_output=True, text=True, check=True).stdout.strip() for p in names}
    assert len(names) == 2 and argv == {str(Path(sys.prefix) / "bin" / "python")}


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets: TCP elsewhere")
def test_a_kernel_is_reached_through_socket_files_of_its_own_removed_when_it_ends():
    """No TCP port another process could take between jupyter_client choosing it and the kernel binding it."""
    from upr_lab.runs.warm import WarmKernel
    from upr_lab.stats.processes import own_process

    warm = WarmKernel()
    try:
        km = warm.ready()
        folder = Path(km.ip).parent
        assert km.transport == "ipc" and folder.name.startswith("upr-lab-kernel-")
        ports = {km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port}
        assert {p.name for p in folder.iterdir()} == {f"kernel-{port}" for port in ports}
        # the heavy imports done and frozen out of the cyclic collector, which is on again for the notebooks; its
        # isolated computations forked from this process's fork server (lent), not from one of its own
        lent = own_process.forkserver.lend().get(own_process.forkserver.LENT)  # None where no server can be had
        warm._run("import gc, os, sys\nassert 'statsmodels' in sys.modules and gc.isenabled(), gc.isenabled()\n"
                  "assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()\n"
                  f"assert os.environ.get('UPR_LAB_FORK_SERVER_LENT') == {lent!r}, os.environ")
    finally:
        warm.shutdown()
    assert not folder.exists()
