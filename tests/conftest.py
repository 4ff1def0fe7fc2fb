"""Shared fixtures: the real UPR Info exports beside the checkout, loaded once per session; batches of runs
built once per test run and read by several tests (``embedded_batch``); the headless browser.

``make test`` runs the suite on three pytest-xdist workers (``-n 3 --dist loadfile``): a session fixture is then
built once per worker, unless it is built with ``built_once`` (once per test run, the other workers wait for it).
"""

import functools
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UPR_INFO = ROOT.parent / "shared" / "data" / "upr-info"


SESSION_CACHE = "UPR_LAB_TEST_SESSION_CACHE"


def pytest_configure(config):
    """A fresh parse cache per test run (inherited by the CLI and kernels the tests start, and by the
    pytest-xdist workers, which start after this: what one worker parsed or pooled, the other reads); the
    OHCHR documents' texts kept in memory for the whole session (the corpus tests read each of them twice)."""
    _one_blas_thread()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not (worker and os.environ.get(SESSION_CACHE) and os.environ.get(SESSION_CACHE) == os.environ.get("UPR_LAB_CACHE")):
        os.environ["UPR_LAB_CACHE"] = os.environ[SESSION_CACHE] = tempfile.mkdtemp(prefix="upr-lab-cache-")
    from upr_lab.sources.ohchr import text

    if text._read.cache_info().maxsize is not None:
        # 132 documents of the development set (about 60 MB of text), read by test_calendar.py and
        # test_ohchr_wg_reports.py: the package keeps 64, which a pass over the corpus evicts before the next
        text._read = functools.lru_cache(maxsize=None)(text._read.__wrapped__)


def _one_blas_thread():
    """One BLAS/OpenMP thread in this process and in those it starts, as in the kernels and fork servers
    (``lifetime.COMPUTING_ENV``).

    The two pytest-xdist workers, and the kernels and commands they start, already keep both cores busy. With
    OpenBLAS's default of a thread per core, each worker's own model fits ran beside threads that spin while
    they wait for work: the fits of one validation seed took 10.4 s of CPU instead of 3.8 s on a busy machine.
    numpy is loaded before this file (by plugins), hence ``threadpool_limits`` besides the environment.
    """
    from threadpoolctl import threadpool_limits

    from upr_lab.stats.processes.lifetime import ONE_BLAS_THREAD

    os.environ.update(ONE_BLAS_THREAD)
    threadpool_limits(limits=1)


# Files that read the same costly inputs, run on one worker so the second reads them from the first's memory: the
# Working Group reports of the development set (their PDF text, about 14 s of CPU to extract, kept in memory above);
# the independent count of the DIHR exports (``independent.count_dihr``, about 6 s). And the two files that read the
# batch on the UPR Info exports first: on two workers, one waited for the other to build it (a batch on one kernel).
SAME_WORKER = {"tests/test_calendar.py": "tests/test_ohchr_wg_reports.py",
               "tests/test_dihr.py": "tests/test_embedded.py",
               "tests/test_reproducibility.py": "tests/test_cli.py"}

# The files that take longest, handed out first (seconds on one worker of two, measured: 160, 45, 100, 45, 70 and
# test_reproducibility.py's 50, 40, 35, 30, 30, then 10-20 each); the files not named here, a few seconds each, after.
# pytest-xdist otherwise starts with the files of most tests, and files of one or two long tests (test_batch.py,
# test_lab.py) came last, while the other worker had nothing left to do. The files that read the shared batches
# come after some that do not, so that the worker free first does not wait for the one building them: the small
# data sets (their own data) beside the embedded batch, then the interrupted batches, which read the embedded data's
# all-States results (computed at once, they waited for the batch's locks with a core idle).
# (test_calendar.py, test_dihr.py and test_reproducibility.py run within the scope of the file ``SAME_WORKER`` joins
# them to.)
LONGEST_FIRST = ["tests/test_recommending.py", "tests/test_small_data.py", "tests/test_faults.py",
                 "tests/fuzz/test_fuzz_tables.py", "tests/test_cli.py",
                 "tests/test_browser.py", "tests/test_dask.py", "tests/test_batch.py", "tests/test_embedded.py",
                 "tests/test_small_data_properties.py", "tests/test_ohchr_wg_reports.py", "tests/test_docs.py",
                 "tests/test_four_cycles.py", "tests/test_nmirf.py", "tests/test_bad_input.py",
                 "tests/test_recurrence.py", "tests/test_demo.py", "tests/test_cache.py", "tests/test_shared.py",
                 "tests/test_validation.py", "tests/fuzz/test_fuzz_inputs.py", "tests/test_loaders.py",
                 "tests/test_lab.py", "tests/test_aliases_in_runs.py", "tests/test_context.py",
                 "tests/test_quick_imports.py"]


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown (and unused) where it is not loaded
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` as pytest-xdist does it, each file on one worker, with the files of ``SAME_WORKER``
    on the worker of the file they name, and those of ``LONGEST_FIRST`` handed out before the others."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FilesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid):
            path = super()._split_scope(nodeid)
            return SAME_WORKER.get(path, path)

        def _assign_work_unit(self, node):
            for path in reversed(LONGEST_FIRST):  # the queue is complete before the first file is handed out
                if path in self.workqueue:
                    self.workqueue.move_to_end(path, last=False)
            super()._assign_work_unit(node)

    return FilesTogether(config, log)


def built_once(tmp_path_factory, name, build):
    """The folder ``name``, made by ``build(folder)`` once per test run: under pytest-xdist the first worker
    to ask builds it while the other waits for it. Tests only read it (a test that changes it copies it first)."""
    from upr_lab.files import file_lock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this run
    folder, done = base / name, base / f".{name}.done"
    with file_lock(base / f".{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def pooled_on_embedded():
    """``pooled(function, **kwargs)``: ``function(recommendations, **kwargs)`` on the embedded real data as coded
    (without the classifier's predicted categories and tags: the figures docs/methods cite), through this test
    run's cache of pooled results: an all-States result computed once per test run, by whichever test asks first,
    with the same keyword arguments. The notebooks' data carry the predictions (``with_predictions``), another
    key: their results are not these. A copy each time, as ``pooled`` gives."""
    from upr_lab import load
    from upr_lab.stats import shared

    data = load()

    def pooled(function, **kwargs):
        return shared.pooled(data, function, data.recommendations, **kwargs)
    pooled.recommendations = data.recommendations  # for arguments that are pooled results (shared.result_of)
    return pooled


EMBEDDED_BATCH = ("NOR", "KEN", "BRA")


def embedded_batch_output(embedded_batch):
    """What ``upr-lab batch`` printed when it built ``embedded_batch`` (kept beside the folder)."""
    return embedded_batch.with_name(f"{embedded_batch.name}.stdout").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def embedded_batch(tmp_path_factory):
    """``upr-lab batch --countries NOR,KEN,BRA --workers 2`` on the embedded real data, all four analyses (12 runs
    on two warm kernels), run once per test run: the browser's site, the CLI's default batch, verification
    of warm-kernel runs, the first batch of the rerun sequence and the recommending States' report all read it
(what the batch printed: ``embedded_batch_output``). Read-only: copy it to change it."""
    def build(out):
        upr_lab = Path(sys.executable).parent / "upr-lab"
        result = subprocess.run([str(upr_lab), "batch", "--countries", ",".join(EMBEDDED_BATCH), "--out", str(out),
                                 "--workers", "2"], cwd=ROOT, capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, f"the shared batch failed:\n{result.stdout}\n{result.stderr}"
        out.with_name(f"{out.name}.stdout").write_text(result.stdout, encoding="utf-8")

    return built_once(tmp_path_factory, "embedded-batch", build)


VERIFIED_RUNS = [("KEN", "compliance_trends"), ("KEN", "regional_comparison"), ("NOR", "compliance_trends"),
                 ("NOR", "regional_comparison"), ("NOR", "recommending_states")]


@pytest.fixture(scope="session")
def embedded_batch_verified(tmp_path_factory, embedded_batch):
    """``upr-lab verify`` of five runs of the session's batch (``VERIFIED_RUNS``: each ran on a warm kernel,
    after other notebooks), re-executed on fresh kernels by one command, once per test run: (exit status,
    what it printed). The warm-kernel test of test_batch.py and the recommending States' test read it."""
    def build(folder):
        upr_lab = Path(sys.executable).parent / "upr-lab"
        runs = [str(embedded_batch / country / analysis) for country, analysis in VERIFIED_RUNS]
        result = subprocess.run([str(upr_lab), "verify", *runs], cwd=ROOT, capture_output=True, text=True,
                                timeout=1200)
        folder.mkdir()
        (folder / "status").write_text(str(result.returncode), encoding="utf-8")
        (folder / "stdout").write_text(result.stdout + result.stderr, encoding="utf-8")

    folder = built_once(tmp_path_factory, "embedded-batch-verified", build)
    return int((folder / "status").read_text()), (folder / "stdout").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def synthetic_batch(tmp_path_factory):
    """``upr-lab batch --countries KEN,BRA --data synthetic --workers 1`` (all four analyses, 8 runs on one kernel),
    run once per test run: the CLI's synthetic batch test and the recommending States' report on synthetic data
    read it. Read-only."""
    def build(out):
        upr_lab = Path(sys.executable).parent / "upr-lab"
        result = subprocess.run([str(upr_lab), "batch", "--countries", "KEN,BRA", "--data", "synthetic", "--out",
                                 str(out), "--workers", "1"], cwd=ROOT, capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, f"the shared synthetic batch failed:\n{result.stdout}\n{result.stderr}"

    return built_once(tmp_path_factory, "synthetic-batch", build)


def cli_in(folder, capsys, monkeypatch):
    """``call(*ARGS)``: ``upr-lab ARGS`` in this process, working in ``folder``, as (exit status, stdout,
    stderr). For commands refused or answered before any notebook runs: a notebook started fails the test."""
    import papermill

    from upr_lab import cli

    monkeypatch.chdir(folder)
    monkeypatch.setattr(papermill, "execute_notebook", _no_notebook)

    def call(*args):
        code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return call


def _no_notebook(*args, **kwargs):
    raise AssertionError("a notebook was executed although the command should have been refused")


@pytest.fixture
def in_process(capsys, monkeypatch):
    """``upr-lab ARGS`` called in this process from the checkout (``cli_in``); the command's own process, its
    exit status and its one line are checked in test_bad_input.py."""
    return cli_in(ROOT, capsys, monkeypatch)


# A timer that interrupts a Python child every half millisecond (a no-op handler on SIGALRM), disarmed before it
# exits: a write to a pipe that the signal cuts short returns what it wrote so far.
_INTERRUPTING_SITE = """\
import atexit, signal
signal.signal(signal.SIGALRM, lambda *args: None)
signal.setitimer(signal.ITIMER_REAL, 0.0005, 0.0005)
atexit.register(signal.setitimer, signal.ITIMER_REAL, 0)
"""


@pytest.fixture
def interrupted_children(tmp_path, monkeypatch):
    """Python processes started by this test run unbuffered (PYTHONUNBUFFERED, common in containers: their
    ``sys.stdout.buffer`` is a raw file) and are interrupted by a signal every half millisecond."""
    site = tmp_path / "interrupting-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_INTERRUPTING_SITE, encoding="utf-8")
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])))
    monkeypatch.syspath_prepend(str(site))  # for children given this process's path (own_process)


REAL_EXPORTS_BATCH = "KEN"


def real_exports_batch_command(upr_info_dir):
    """The arguments of the real exports' batch but ``--out``: one kernel (the embedded batch runs two)."""
    return ["batch", "--countries", REAL_EXPORTS_BATCH, "--data", str(upr_info_dir), "--workers", "1"]


@pytest.fixture(scope="session")
def real_exports_batch(tmp_path_factory, upr_info_dir):
    """``upr-lab batch --countries KEN --data <the UPR Info exports>`` (all four analyses, 4 runs on one kernel), run
    once per test run: the CLI's test of every analysis on the real exports and the reproducibility tests read it.
    Read-only: a second batch to compare with it goes beside it (``real-exports-batch-again``), where the
    relative path to the exports that the runs record is the same."""
    def build(out):
        upr_lab = Path(sys.executable).parent / "upr-lab"
        result = subprocess.run([str(upr_lab), *real_exports_batch_command(upr_info_dir), "--out", str(out)], cwd=ROOT,
                                capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, f"the real exports' batch failed:\n{result.stdout}\n{result.stderr}"

    return built_once(tmp_path_factory, "real-exports-batch", build)


@pytest.fixture(scope="session")
def upr_info_dir():
    if not UPR_INFO.is_dir():
        pytest.fail(f"the real UPR Info exports are expected at {UPR_INFO}")
    return UPR_INFO


@pytest.fixture(scope="session")
def real_data(upr_info_dir):
    from upr_lab import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(upr_info_dir)


# Browser tests (tests/test_browser.py): Debian's chromium and chromium-driver, headless, driven by selenium.
# Without them the tests are skipped with how to install them, and the run ends with a line saying so;
# UPR_LAB_REQUIRE_BROWSER=1 (set by .ci/run) makes a missing browser a failure instead.
ARTIFACTS = ROOT / "test-artifacts" / "browser"
INSTALL_BROWSER = ("browser tests need Chromium and its driver: `sudo apt-get install chromium chromium-driver` "
                   "(Debian/Ubuntu), or set UPR_LAB_CHROMIUM and UPR_LAB_CHROMEDRIVER to their paths")
BROWSER = {"missing": None, "screenshots": []}


def browser_paths():
    """(chromium, chromedriver) executables, or None for each one not found."""
    import shutil

    from upr_lab.reports.pdf import find_chromium

    driver = os.environ.get("UPR_LAB_CHROMEDRIVER") or shutil.which("chromedriver")
    return find_chromium(), driver if driver and Path(driver).is_file() else None


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by selenium (console logged), shared by the browser tests."""
    chromium, driver_path = browser_paths()
    if chromium is None or driver_path is None:
        missing = " and ".join(n for n, p in (("chromium", chromium), ("chromedriver", driver_path)) if p is None)
        BROWSER["missing"] = missing
        message = f"{missing} not found: {INSTALL_BROWSER}"
        if os.environ.get("UPR_LAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"UPR_LAB_REQUIRE_BROWSER=1 and {message}", pytrace=False)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--disable-gpu", "--window-size=1280,1000", "--no-first-run",
                     "--disable-extensions", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()


def save_screenshot(driver, name, max_height=6000):
    """A full-page PNG of what the browser shows (up to ``max_height`` px), saved under test-artifacts/browser."""
    import base64

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = min(int(driver.execute_script("return document.documentElement.scrollHeight")), max_height)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1}})
    path = ARTIFACTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    BROWSER["screenshots"].append(path)
    return path


def pytest_terminal_summary(terminalreporter):
    if BROWSER["missing"]:
        required = os.environ.get("UPR_LAB_REQUIRE_BROWSER") == "1"
        terminalreporter.write_sep("!", f"browser tests {'FAILED' if required else 'NOT RUN'}: "
                                        f"{BROWSER['missing']} not found", red=True, bold=True)
        terminalreporter.write_line(INSTALL_BROWSER)
    elif BROWSER["screenshots"]:
        terminalreporter.write_sep("-", "browser screenshots")
        for path in BROWSER["screenshots"]:
            terminalreporter.write_line(str(path))
