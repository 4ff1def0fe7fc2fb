"""A user's own spellings of State names (``params/country_aliases.yaml`` in the folder upr-lab is run from)
hold in the kernels too, which work in their run folders, and the kernels read the parse the command cached."""

import json
import os
import subprocess
import sys
from pathlib import Path

UPR_LAB = str(Path(sys.executable).parent / "upr-lab")


def misspelt_export(upr_info_dir, folder):
    """The real export of sessions 1-5 with one State under review spelt as no list has it."""
    folder.mkdir(parents=True)
    path = folder / "1-5.csv"
    raw = (upr_info_dir / "1-5.csv").read_bytes()
    path.write_bytes(raw.replace(b"\rAfghanistan,", b"\rAfghanstan,"))  # the first column: CR line ends
    assert path.read_bytes().count(b"\rAfghanstan,") > 100
    return path


def test_a_run_reads_the_alias_file_of_the_folder_it_was_started_from(upr_info_dir, tmp_path):
    export = misspelt_export(upr_info_dir, tmp_path / "exports")
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "country_aliases.yaml").write_text("Afghanstan: AFG\n", encoding="utf-8")
    cache = tmp_path / "cache"
    env = {**os.environ, "UPR_LAB_CACHE": str(cache)}
    env.pop("UPR_LAB_ALIASES", None)
    result = subprocess.run([UPR_LAB, "batch", "--countries", "AFG", "--analyses", "regional_comparison",
                             "--data", export, "--out", "out", "--workers", "1"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)

    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "out" / "AFG" / "regional_comparison" / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    parses = [p for p in (cache / "sources").iterdir() if not p.name.startswith(".")]
    assert len(parses) == 1, "the kernel read the parse the command made, under the same key"
