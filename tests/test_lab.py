"""``upr-lab lab`` end to end: start JupyterLab, run a notebook on the project's kernel through the server.

The test drives the server the way JupyterLab's frontend does: the REST API for contents, kernel specs
and sessions, and the kernel's websocket channels for ``execute_request`` messages. Every code cell of
``compliance_trends.ipynb`` is executed in order (outputs redirected to the test's tmp dir), then the
session is deleted and the server stopped, so no server or kernel process outlives the test.
"""

import asyncio
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from upr_lab.stats.processes.lifetime import alive

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = "compliance_trends.ipynb"
KERNEL_NAME = "upr-lab"
STARTUP_TIMEOUT = 60  # s until /api/status answers
CELL_TIMEOUT = 300  # s for one cell (imports, demo data and pooled models included)
SHUTDOWN_TIMEOUT = 20  # s for the server (and its kernels) to exit after SIGTERM
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Loopback only: never route the test's requests through an HTTP proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_until(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


class Lab:
    """A running ``upr-lab lab`` server: its address, token, log and process (own process group)."""

    def __init__(self, port, token, proc, log):
        self.port, self.token, self.proc, self.log = port, token, proc, log
        self.base = f"http://127.0.0.1:{port}"

    def log_tail(self, chars=6000):
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "<no log>"

    def api(self, method, path, body=None, timeout=30):
        """One REST call; returns (status, decoded JSON or None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        text = raw.decode(errors="replace")
        try:
            return status, (json.loads(text) if text.strip() else None)
        except ValueError:
            return status, text

    def ready(self):
        try:
            status, _ = self.api("GET", "/api/status", timeout=2)
        except (urllib.error.URLError, OSError):
            return False
        return status == 200

    def stop(self):
        """SIGTERM to the whole process group (the upr-lab wrapper and the Jupyter server), then SIGKILL."""
        pgid = self.proc.pid
        if _group_alive(pgid):
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        if not _wait_until(lambda: not _group_alive(pgid), SHUTDOWN_TIMEOUT):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=SHUTDOWN_TIMEOUT)


def _start(tmp_path, port, token):
    """Launch ``upr-lab lab``; return the Lab once /api/status answers, or None if the port was taken."""
    script = Path(sys.executable).parent / "upr-lab"
    assert script.exists(), f"console script not found next to the interpreter: {script}"
    env = dict(os.environ)
    env.pop("JUPYTER_TOKEN", None)
    for name in ("config", "runtime", "data", "ipython"):
        (tmp_path / name).mkdir(exist_ok=True)
    # JUPYTER_PATH is left alone: the upr-lab kernelspec lives in the venv (sys.prefix/share/jupyter).
    # A private data dir keeps a user-level kernelspec of the same name from shadowing it.
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"), IPYTHONDIR=str(tmp_path / "ipython"),
               PYTHONUNBUFFERED="1")
    command = [str(script), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
               "--ServerApp.port_retries=0"]
    if os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")  # containers and CI often run as root
    log = tmp_path / f"lab-{port}.log"
    with open(log, "wb") as handle:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=handle,
                                stderr=subprocess.STDOUT, start_new_session=True)
    lab = Lab(port, token, proc, log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if lab.ready():
                return lab
            if proc.poll() is not None:
                break
            time.sleep(0.2)
        running = proc.poll() is None
        lab.stop()
        tail = lab.log_tail()
        if not running and "already in use" in tail:
            return None  # lost the race for the port: try another one
        what = (f"did not answer /api/status within {STARTUP_TIMEOUT} s" if running
                else f"exited with status {proc.returncode}")
        pytest.fail(f"upr-lab lab {what}\ncommand: {' '.join(command[:5])} ...\n--- log ---\n{tail}")
    except BaseException:
        lab.stop()
        raise


@pytest.fixture
def lab(tmp_path):
    token = secrets.token_hex(24)
    server = None
    for _ in range(3):
        server = _start(tmp_path, _free_port(), token)
        if server is not None:
            break
    assert server is not None, "no free loopback port could be bound by the server"
    try:
        yield server
    finally:
        server.stop()
        assert not _group_alive(server.proc.pid), "server processes survived shutdown"


def _source(cell):
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


class KernelClient:
    """Execute code over a kernel's websocket (JSON protocol of jupyter_server), one cell at a time."""

    def __init__(self, connection, session):
        self.ws, self.session = connection, session

    async def execute(self, code, timeout=CELL_TIMEOUT):
        msg_id = uuid.uuid4().hex
        await self.ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                       "username": "pytest", "version": "5.3",
                       "date": datetime.now(timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        outputs, reply, idle = [], None, False
        deadline = asyncio.get_running_loop().time() + timeout
        while reply is None or not idle:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"no execute_reply/idle within {timeout} s for:\n{code}")
            raw = await asyncio.wait_for(self.ws.read_message(), remaining)
            if raw is None:
                raise ConnectionError(f"kernel websocket closed while executing:\n{code}")
            if isinstance(raw, bytes):
                continue  # binary frames belong to another protocol; never requested here
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if msg.get("channel") == "shell" and kind == "execute_reply":
                reply = msg["content"]
            elif msg.get("channel") == "iopub":
                if kind == "status":
                    idle = msg["content"]["execution_state"] == "idle"
                elif kind in ("stream", "display_data", "execute_result", "error", "update_display_data"):
                    outputs.append(msg)
        return reply, outputs


def _stdout(outputs):
    return "".join(m["content"]["text"] for m in outputs
                   if m["header"]["msg_type"] == "stream" and m["content"]["name"] == "stdout")


def _failure(label, code, reply, outputs):
    streams = "".join(m["content"]["text"] for m in outputs if m["header"]["msg_type"] == "stream")
    traceback = ANSI.sub("", "\n".join(reply.get("traceback", [])))
    return (f"{label} failed: {reply.get('ename')}: {reply.get('evalue')}\n--- code ---\n{code}\n"
            f"--- traceback ---\n{traceback}\n--- streams ---\n{streams[-4000:]}")


async def _run_cells(lab, kernel_id, cells):
    """Run (label, code) pairs in order on the kernel; returns the outputs of each; stops at an error."""
    url = f"ws://127.0.0.1:{lab.port}/api/kernels/{kernel_id}/channels?token={lab.token}"
    request = HTTPRequest(url, headers={"Authorization": f"token {lab.token}"}, connect_timeout=30,
                          request_timeout=30)
    connection = await websocket_connect(request, max_message_size=256 * 1024 * 1024)
    client = KernelClient(connection, uuid.uuid4().hex)
    results = []
    try:
        for label, code in cells:
            reply, outputs = await client.execute(code)
            results.append((label, reply, outputs))
            if reply.get("status") != "ok":
                break
    finally:
        connection.close()
    return results


@pytest.mark.slow
def test_lab_runs_notebook_on_project_kernel(lab, tmp_path):
    status, model = lab.api("GET", f"/api/contents/{NOTEBOOK}?content=1")
    assert status == 200, f"GET /api/contents/{NOTEBOOK}: {status} {model}"
    assert model["type"] == "notebook" and model["name"] == NOTEBOOK
    code_cells = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    assert code_cells, "the notebook has no code cell"
    parameters = [i for i, c in enumerate(code_cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert parameters, "no code cell tagged 'parameters'"

    status, specs = lab.api("GET", "/api/kernelspecs")
    assert status == 200, f"GET /api/kernelspecs: {status} {specs}"
    assert KERNEL_NAME in specs["kernelspecs"], f"kernel specs listed: {sorted(specs['kernelspecs'])}"
    assert specs["default"] == KERNEL_NAME
    kernel_python = Path(specs["kernelspecs"][KERNEL_NAME]["spec"]["argv"][0])
    assert kernel_python.parent.resolve() == Path(sys.executable).parent.resolve(), kernel_python

    out_dir = tmp_path / "out"
    cells = [("probe", "import os, sys\nprint(sys.executable)\nprint(sys.prefix)\nprint(os.getpid())")]
    for index, cell in enumerate(code_cells):
        cells.append((f"code cell {index}", _source(cell)))
        if index == parameters[0]:
            cells.append(("out_dir override", f"out_dir = {str(out_dir)!r}"))

    status, session = lab.api("POST", "/api/sessions", {"path": NOTEBOOK, "type": "notebook",
                                                        "kernel": {"name": KERNEL_NAME}}, timeout=60)
    assert status == 201, f"POST /api/sessions: {status} {session}"
    kernel_pid = None
    try:
        assert session["kernel"]["name"] == KERNEL_NAME
        results = asyncio.run(_run_cells(lab, session["kernel"]["id"], cells))
        probe = _stdout(results[0][2]).split()
        if len(probe) == 3 and probe[2].isdigit():
            kernel_pid = int(probe[2])
        for label, reply, outputs in results:
            assert reply.get("status") == "ok", _failure(label, dict(cells)[label], reply, outputs)
        assert len(results) == len(cells)

        # The project's kernel: the venv's interpreter (same bin folder and prefix as this test's).
        executable, prefix, _ = probe
        assert Path(executable).parent.resolve() == Path(sys.executable).parent.resolve(), executable
        assert Path(executable).resolve() == Path(sys.executable).resolve(), executable
        assert Path(prefix).resolve() == Path(sys.prefix).resolve(), prefix

        images = [m for _, _, outputs in results for m in outputs
                  if m["header"]["msg_type"] in ("display_data", "execute_result")
                  and "image/png" in m["content"]["data"]]
        assert images, "no cell displayed a PNG figure"
        metrics_path = out_dir / "metrics.json"
        assert metrics_path.is_file(), f"metrics.json not written to {out_dir}"
        metrics = json.loads(metrics_path.read_text())
        assert metrics["country"] == "NOR"
        assert metrics["analysis"] == "compliance_trends"
        assert list((out_dir / "figures").glob("*.png")), "no figure file written"
    finally:
        problem = _end_session(lab, session["id"], kernel_pid)
    assert problem is None, problem


def _end_session(lab, session_id, kernel_pid):
    """DELETE the session (shuts its kernel down); a description of what went wrong, or None."""
    try:
        status, body = lab.api("DELETE", f"/api/sessions/{session_id}", timeout=60)
    except (urllib.error.URLError, OSError) as exc:
        return f"DELETE /api/sessions/{session_id}: {exc}"
    if status != 204:
        return f"DELETE /api/sessions/{session_id}: {status} {body}"
    if kernel_pid is not None and not _wait_until(lambda: not alive(kernel_pid), SHUTDOWN_TIMEOUT):
        try:
            os.kill(kernel_pid, signal.SIGKILL)  # this test's kernel: never leave it behind
        except ProcessLookupError:
            pass
        return f"kernel process {kernel_pid} still running after its session was deleted"
    return None
