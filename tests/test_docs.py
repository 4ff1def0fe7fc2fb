"""The documentation site (docs/): built as ``make docs`` builds it, strictly and offline, with every public name
documented; a broken link, a page outside the navigation or an undocumented public name fails the build. Also:
the README stays short and points at the documentation, and the codebook names every reference ``upr-lab cite``
can print."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import public_api  # noqa: E402  (docs/_ext: the check of the public names, used by the build)


def build(source, out):
    """``make docs``'s command on ``source``: (exit status, warnings)."""
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html",
                           str(source), str(out)], capture_output=True, text=True, cwd=ROOT)
    return done.returncode, done.stderr


def test_makefile_builds_the_docs_with_the_same_strict_command():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(PY) -m sphinx -W --keep-going -n -q -b html docs docs/_build/html" in makefile


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs-html")
    status, warnings = build(DOCS, out)
    assert status == 0 and not warnings.strip(), warnings
    return out


def test_every_page_is_built_and_reachable_from_the_navigation(site):
    pages = {p.relative_to(DOCS).with_suffix(".html").as_posix() for p in DOCS.rglob("*.md")
             if "_build" not in p.parts and "_ext" not in p.parts}
    built = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert pages <= built
    index = (site / "index.html").read_text(encoding="utf-8")
    for section in ("getting-started.html", "guide/index.html", "codebook/index.html", "methods/index.html",
                    "api.html", "benchmarks.html", "changelog.html"):
        assert f'href="{section}' in index, section


def test_the_pages_load_nothing_from_the_network(site):
    remote = re.compile(r"""<(script|link|img|iframe|source)\b[^>]*\b(src|href)=["'](https?:)?//""", re.I)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        found = [m.group(0) for m in remote.finditer(text) if "rel=\"canonical\"" not in m.group(0)]
        assert not found, f"{page.relative_to(site)}: {found[:3]}"
    for sheet in site.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:|url\(\s*['\"]?https?://", sheet.read_text(
            encoding="utf-8", errors="replace")), sheet.name


def test_the_api_reference_documents_every_public_name(site):
    import upr_lab

    api = (site / "api.html").read_text(encoding="utf-8")
    public = public_api.targets()
    assert set(public) == set(upr_lab.__all__)
    for name, path in public.items():
        assert f'id="{path}"' in api or f'id="module-{path}"' in api, name
    # (their docstrings: the build above warns, and so fails, on a public name without one)


def test_the_guide_s_table_of_public_names_lists_every_one():
    import upr_lab

    table = (DOCS / "guide" / "python-api.md").read_text(encoding="utf-8")
    missing = [name for name in upr_lab.__all__ if name != "__version__"
               and not re.search(r"`" + re.escape(name) + r"[`(]", table)]
    assert missing == []


def test_the_public_name_check_finds_what_is_missing(tmp_path, monkeypatch):
    (tmp_path / "undocumented_module.py").write_text('"""A module."""\n\ndef bare():\n    pass\n\n\n'
                                                     'def told():\n    """Told."""\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    assert public_api.without_docstring({"bare": "undocumented_module.bare", "told": "undocumented_module.told",
                                         "module": "undocumented_module"}) == ["bare"]
    public = {"load": "upr_lab.sources.dataset.load", "metrics": "upr_lab.stats.metrics"}
    assert public_api.undocumented(public, {"upr_lab.stats.metrics"}) == ["load"]
    assert public_api.undocumented(public, {"upr_lab.sources.dataset.load", "upr_lab.stats.metrics"}) == []


def test_a_broken_link_a_page_outside_the_navigation_and_an_undocumented_name_fail_the_build(tmp_path):
    # docs/conf.py and its extension on a site of four pages (the size proves nothing; a copy of the whole site
    # took twice the time to build): a link to a missing page, one to a missing heading of a page that exists, a
    # page no table of contents names, and an API reference that documents one public name
    copy = tmp_path / "docs"
    copy.mkdir()
    shutil.copy(DOCS / "conf.py", copy)
    shutil.copytree(DOCS / "_ext", copy / "_ext")
    (copy / "index.md").write_text("# upr-lab\n\n```{toctree}\ngetting-started\nmethods/recurrence\napi\n```\n",
                                   encoding="utf-8")
    (copy / "getting-started.md").write_text("# Getting started\n\nSee [the old page](guide/no-such-page.md) and "
                                             "[a heading](methods/recurrence.md#no-such-heading).\n", encoding="utf-8")
    (copy / "methods").mkdir()
    (copy / "methods" / "recurrence.md").write_text("# Recurrence\n\n## How it is measured\n", encoding="utf-8")
    (copy / "guide").mkdir()
    (copy / "guide" / "orphan.md").write_text("# A page no table of contents names\n", encoding="utf-8")
    (copy / "api.md").write_text("# API reference\n\n```{eval-rst}\n.. autofunction:: upr_lab.sources.dataset.load\n"
                                 "```\n", encoding="utf-8")
    status, warnings = build(copy, tmp_path / "html")
    assert status != 0
    assert "guide/no-such-page.md" in warnings
    assert "no-such-heading" in warnings
    assert "orphan" in warnings and "toctree" in warnings
    assert "public name upr_lab.followup_plots (upr_lab.reports.followup_plots) is not documented" in warnings
    assert "public name upr_lab.load " not in warnings


def test_the_readme_is_short_and_points_at_the_documentation():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 80
    assert "make demo" in readme and "make test" in readme and "make docs" in readme
    assert "CITATION.cff" in readme and "upr-lab cite" in readme and "MIT" in readme
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / target).is_file(), target


def test_the_codebook_names_every_reference_upr_lab_cite_prints():
    from upr_lab.review import bibliography

    sources = (DOCS / "codebook" / "sources.md").read_text(encoding="utf-8")
    for key, ref in bibliography.references().items():
        if key != "upr-lab":  # each source's reference, word for word as `upr-lab cite` prints it
            assert f"**How to cite** (key `{key}`): {bibliography.text(ref)}" in sources, key


def test_the_documented_commands_exist():
    """Every ``upr-lab COMMAND`` the pages show as a command (in code, at a line's start or after ``bin/``) is a
    command of the CLI: a page naming a command the CLI no longer has fails here."""
    from upr_lab.cli import _parser

    commands = set(_parser()._subparsers._group_actions[0].choices)
    shown = set()
    for page in DOCS.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        shown |= set(re.findall(r"(?:`|^|bin/)upr-lab ([a-z]+)\b", text, flags=re.M))
    assert shown - commands == set()
    assert {"run", "batch", "verify", "cite", "lab", "data", "code", "pdf", "participation"} <= shown


def _pages():
    return [p for p in DOCS.rglob("*.md") if "_build" not in p.parts]


def test_the_documented_python_names_exist():
    """Every ``upr_lab.x.y`` the pages name in code resolves (a module, or an attribute of one)."""
    import importlib

    def resolves(dotted):
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            try:
                for attribute in parts[i:]:
                    obj = getattr(obj, attribute)
            except AttributeError:
                return False
            return True
        return False

    named = {n for p in _pages() for n in re.findall(r"`(upr_lab(?:\.[A-Za-z_]\w*)+)", p.read_text(encoding="utf-8"))}
    assert len(named) > 30 and sorted(n for n in named if not resolves(n)) == []


def test_the_documented_files_exist():
    """Every file of the repository the pages name in code exists, but the one written on request."""
    not_shipped = {"upr_lab/data/classifier.npz",  # written by `python -m upr_lab.stats.classify.store`, as the page says
                   "docs/_build/html", "docs/_build/html/", "docs/_build/html/index.html"}  # written by `make docs`
    named = {n for p in _pages() for n in re.findall(
        r"`((?:upr_lab|tests|bench|validation|notebooks|params|docs)/[\w./-]+)`", p.read_text(encoding="utf-8"))}
    assert len(named) > 50
    assert sorted(n for n in named - not_shipped if not (ROOT / n.rstrip("/")).exists()) == []
