"""The Parquet cache of parsed sources: same result as parsing, invalidated by any change of content."""

import os
import shutil
import warnings

import pandas as pd
import pytest

from upr_lab import version
from upr_lab.sources import cache, dataset


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def load_quietly(src):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = dataset.load(src)
    return data, [str(w.message) for w in caught]


def entries(cache_dir):
    return sorted(p.name for p in (cache_dir / "sources").iterdir()) if (cache_dir / "sources").exists() else []


def test_a_cached_load_equals_the_parse_of_the_real_exports(cache_dir, upr_info_dir):
    parsed, parse_warnings = load_quietly(upr_info_dir)
    assert len(entries(cache_dir)) == 1
    cached, cache_warnings = load_quietly(upr_info_dir)
    pd.testing.assert_frame_equal(cached.recommendations, parsed.recommendations)
    pd.testing.assert_frame_equal(cached.pledges, parsed.pledges)
    assert cached.source == parsed.source and cached.source["duplicates"] == 3
    assert cache_warnings == parse_warnings and "3 recommendation rows repeat" in cache_warnings[0]


def copy_exports(upr_info_dir, folder, names=("1-5.csv", "6-9.csv", "voluntary.csv")):
    """A folder of some of the real export files, writable (where the size of the data proves nothing)."""
    folder.mkdir()
    for name in names:
        shutil.copy(upr_info_dir / name, folder / name)
        (folder / name).chmod(0o644)
    return folder


def test_a_changed_file_is_parsed_again_and_its_change_is_seen(cache_dir, upr_info_dir, tmp_path):
    exports = copy_exports(upr_info_dir, tmp_path / "exports")
    before, _ = load_quietly(exports)
    target = exports / "1-5.csv"
    text = target.read_bytes()
    target.write_bytes(text.replace(b"Noted", b"Accepted", 1))
    after, _ = load_quietly(exports)
    assert len(entries(cache_dir)) == 2, "a changed file must get a new cache entry"
    supported = lambda d: int((d.recommendations["response"] == "supported").sum())  # noqa: E731
    assert supported(after) == supported(before) + 1
    target.write_bytes(text)
    again, _ = load_quietly(exports)
    pd.testing.assert_frame_equal(again.recommendations, before.recommendations)
    assert len(entries(cache_dir)) == 2, "the original content's entry is reused"


def test_each_file_is_parsed_once_whatever_it_is_read_with(cache_dir, upr_info_dir, tmp_path, monkeypatch):
    exports = copy_exports(upr_info_dir, tmp_path / "exports")
    parsed, read_one = [], dataset._read_one
    monkeypatch.setattr(dataset, "_read_one", lambda path, resolver: parsed.append(path.name) or read_one(path, resolver))
    load_quietly(exports)
    assert sorted(parsed) == ["1-5.csv", "6-9.csv", "voluntary.csv"] and len(list((cache_dir / "files").iterdir())) == 3
    parsed.clear()
    load_quietly([exports / "1-5.csv", exports / "6-9.csv"])  # another data set, of files parsed before
    assert parsed == [] and len(entries(cache_dir)) == 2
    target = exports / "1-5.csv"
    target.write_bytes(target.read_bytes().replace(b"Noted", b"Accepted", 1))
    changed, _ = load_quietly(exports)
    assert parsed == ["1-5.csv"], "only the changed file is parsed again"
    for entry in (cache_dir / "files").iterdir():
        (entry / cache.FILE_PARSE).write_bytes((entry / cache.FILE_PARSE).read_bytes()[:100])
    parsed.clear()
    load_quietly([exports / "1-5.csv", exports / "voluntary.csv"])  # a new combination, of damaged entries
    assert sorted(parsed) == ["1-5.csv", "voluntary.csv"], "a damaged entry is parsed again"
    monkeypatch.setenv("UPR_LAB_CACHE", "off")
    fresh, _ = load_quietly(exports)
    pd.testing.assert_frame_equal(changed.recommendations, fresh.recommendations)
    pd.testing.assert_frame_equal(changed.pledges, fresh.pledges)
    assert changed.source == fresh.source


def test_the_key_depends_on_names_hashes_and_aliases():
    files = [{"name": "a.csv", "sha256": "1" * 64}, {"name": "b.csv", "sha256": "2" * 64}]
    base = cache.key(files)
    assert cache.key(files) == base
    assert cache.key([files[0], {**files[1], "sha256": "3" * 64}]) != base
    assert cache.key([files[0], {**files[1], "name": "c.csv"}]) != base
    assert cache.key(files, aliases_sha256="4" * 64) != base


def test_a_parse_by_other_upr_lab_code_is_never_read(monkeypatch):
    """The key holds the digest of upr-lab's own source: a parse made before a change to the loaders
    (e.g. exact repeats kept, then dropped) is never served after it."""
    files = [{"name": "a.csv", "sha256": "1" * 64}]
    base = cache.key(files)
    monkeypatch.setattr(version, "source_digest", lambda: "0" * 64)
    assert cache.key(files) != base


def test_caching_off_or_unwritable_still_loads(monkeypatch, tmp_path, upr_info_dir):
    monkeypatch.setenv("UPR_LAB_CACHE", "off")
    assert cache.location() is None
    exports = copy_exports(upr_info_dir, tmp_path / "exports", ["1-5.csv"])
    off, _ = load_quietly(exports)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("UPR_LAB_CACHE", str(blocker))
    unwritable, _ = load_quietly(exports)
    assert len(off.recommendations) > 1000
    pd.testing.assert_frame_equal(off.recommendations, unwritable.recommendations)


def test_verify_reads_nothing_cached_before_and_leaves_no_folder(tmp_path, monkeypatch):
    """verify keeps parses and shared results in a fresh folder of its own while it runs (its runs share it),
    downloads still found where UPR_LAB_CACHE says; afterwards the folder is gone and the environment as it was."""
    import importlib

    from upr_lab.sources.remote import folders

    verify = importlib.import_module("upr_lab.review.verify")  # the module (upr_lab.review.verify is the function)

    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(cache.OFF, raising=False)
    with verify._nothing_cached():
        inside = cache.location()
        assert inside != tmp_path / "cache" and inside.is_dir() and not any(inside.iterdir())
        assert folders.cache_root() == tmp_path / "cache"
    assert not inside.exists() and cache.location() == tmp_path / "cache"
    assert cache.OFF not in os.environ and folders.PINNED not in os.environ


def test_a_caller_that_changes_its_tables_does_not_change_the_next_ones(cache_dir, upr_info_dir):
    first, _ = load_quietly(upr_info_dir)
    expected = first.recommendations.copy()
    first.recommendations.loc[:, "response"] = "noted"  # one notebook changes its data set in place
    first.recommendations["text"] = "changed"
    second, _ = load_quietly(upr_info_dir)  # read from this process's memory of the parse
    pd.testing.assert_frame_equal(second.recommendations, expected)
