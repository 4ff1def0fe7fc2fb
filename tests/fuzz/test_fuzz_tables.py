"""Fuzzing the tabular loaders: UPR Info (CSV, .xlsx, .xls, HTML saved as .xls; both header spellings),
DIHR, UHRI, the canonical table (CSV, Parquet) and the participation table, each mutated from a small
real excerpt and read through ``load`` or ``upr-lab data export`` (see ``fuzz_oracle`` for the oracle)."""

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import strategies as st

import fuzz_mutations as mutate
import fuzz_seeds as seeds
from fuzz_oracle import Example, cli, fuzz, python_command, valid_participation, valid_recommendations


def load_recommendations(name, nonempty):
    def action(folder):
        from upr_lab import load

        valid_recommendations(load(folder / name).recommendations, nonempty)
    return action, python_command(f"from upr_lab import load; load({name!r})")


def export_recommendations(name, nonempty):
    def action(folder):
        from upr_lab.sources.formats import canonical

        out = folder / "exported.parquet"
        cli("data", "export", "--data", folder / name, "--out", out, out=out)
        valid_recommendations(canonical.read_parquet(out), nonempty)
    return action, f"upr-lab data export --data {name} --out exported.parquet"


def read_participation(name):
    def action(folder):
        from upr_lab.sources.formats.participation import read_participation

        valid_participation(read_participation(folder / name))
    return action, python_command("from upr_lab.sources.formats.participation import read_participation; "
                                  f"print(read_participation({name!r}))")


ACTIONS = {"load": load_recommendations, "data export": export_recommendations}


# -- strategies --------------------------------------------------------------------------------------------

@st.composite
def table_files(draw, table, formats, actions=("load", "data export"), nonempty=False):
    """``table`` edited, written in one of ``formats``, maybe damaged, and read by one of ``actions``."""
    header, rows, edits = draw(mutate.edited_table(table))
    form = draw(st.sampled_from(formats), label="format")
    raw, suffix, written = draw(mutate.WRITERS[form](table, header, rows))
    container = ""
    if suffix == ".xlsx":
        raw, container = draw(mutate.damaged_zip(raw))
    raw, damage = draw(mutate.damaged_bytes(raw))
    name = f"{table.name}{suffix}"
    how = draw(st.sampled_from(actions), label="action")
    if how == "participation":
        action, command = read_participation(name)
    else:
        action, command = ACTIONS[how](name, nonempty)
    return Example({name: raw}, [*edits, written, container, damage, how], action, command)


PARQUET_EDITS = ("none", "text in a list column", "22.5 in an integer column", "numbers as text", "unknown State",
                 "column dropped", "column renamed", "column twice", "no rows", "nulls", "huge integer",
                 "nested lists", "odd text", "numbers in a text column", "goal that is no number")


@st.composite
def parquet_files(draw, actions=("load", "data export", "participation")):
    """The canonical seed written to Parquet with one wrong column type or value, maybe damaged."""
    frame = seeds.canonical_frame().copy()
    for column in ("issues", "sdg_goals", "sdg_targets"):
        frame[column] = frame[column].map(list)
    edit = draw(st.sampled_from(PARQUET_EDITS), label="parquet edit")
    column = draw(st.sampled_from(list(frame.columns)), label="column")
    names = list(frame.columns)
    if edit == "text in a list column":
        frame[draw(st.sampled_from(["issues", "sdg_goals", "sdg_targets"]))] = "Women's rights"
    elif edit == "22.5 in an integer column":
        frame[draw(st.sampled_from(["cycle", "session", "year", "action_category"]))] = 22.5
    elif edit == "numbers as text":
        frame["session"] = frame["session"].astype(str)
    elif edit == "unknown State":
        frame[draw(st.sampled_from(["sur_iso3", "recommender_iso3"]))] = draw(st.sampled_from(["XXX", "YUG", "nor"]))
    elif edit == "column dropped":
        frame = frame.drop(columns=column)
    elif edit == "column renamed":
        frame = frame.rename(columns={column: column.upper()})
    elif edit == "no rows":
        frame = frame.head(0)
    elif edit == "nulls":
        frame[column] = None
    elif edit == "huge integer":
        frame[draw(st.sampled_from(["cycle", "session", "year"]))] = 2**62
    elif edit == "nested lists":
        frame["issues"] = [[["a"]]] * len(frame)
    elif edit == "odd text":
        frame[draw(st.sampled_from(["text", "rec_id", "response", "sur_name"]))] = draw(mutate.cell_values())
    elif edit == "numbers in a text column":
        frame[draw(st.sampled_from(["text", "rec_id", "response", "sur_iso3"]))] = 7
    elif edit == "goal that is no number":
        frame["sdg_goals"] = [["sixteen"]] * len(frame)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if edit == "column twice":
        table = pa.Table.from_arrays([*table.columns, table.column(0)], names=[*table.column_names, names[0]])
    out = io.BytesIO()
    pq.write_table(table, out)
    raw, damage = draw(mutate.damaged_bytes(out.getvalue()))
    how = draw(st.sampled_from(actions), label="action")
    name = "canonical.parquet"
    action, command = read_participation(name) if how == "participation" else ACTIONS[how](name, True)
    return Example({name: raw}, [f"{edit} ({column})" if edit != "none" else "", damage, how], action, command)


# -- the strategies, one test each: the bounded run of `make test` gives each a few dozen examples ---------

ALL_TABLES = ("csv", "xlsx", "xls", "html-xls")


def test_upr_info_exports():
    fuzz(st.one_of(table_files(seeds.upr_info(), ALL_TABLES), table_files(seeds.upr_info_own_spelling(),
                                                                           ALL_TABLES)), bounded=30)


def test_dihr_exports():
    fuzz(table_files(seeds.dihr(), ("xlsx", "csv")), bounded=20)


def test_uhri_exports():
    fuzz(table_files(seeds.uhri(), ("xlsx", "csv")), bounded=20)


JSON_VALUES = (None, [], "", 5, 31.5, True, {"a": 1}, ["- "], "- Accepted", ["- 99 - May 2040"], "[" * 40,
               ["- Fance"], ["- Supported", "- Noted"], ["- 16.2 - x", "- 11 - y"], "x" * 40_000)


@st.composite
def uhri_json_files(draw):
    """The UHRI JSON seed with values replaced (any type, unknown words) or keys dropped, maybe damaged."""
    import json

    records = [dict(r) for r in seeds.uhri_json()]
    edits = []
    for _ in range(draw(st.integers(0, 3), label="edits")):
        i = draw(st.integers(0, len(records) - 1), label="record")
        key = draw(st.sampled_from(sorted(records[i])), label="key")
        if draw(st.booleans(), label="drop key"):
            del records[i][key]
            edits.append(f"record {i + 1}: {key} dropped")
        else:
            records[i][key] = draw(st.sampled_from(JSON_VALUES), label="value")
            edits.append(f"record {i + 1}: {key} = {str(records[i][key])[:20]!r}")
    raw, damage = draw(mutate.damaged_bytes(json.dumps(records, indent=1).encode()))
    action, command = load_recommendations("export.json", False)
    return Example({"export.json": raw}, [*edits, damage], action, command)


def test_uhri_json_exports():
    fuzz(uhri_json_files(), bounded=30)


def test_canonical_csv():
    fuzz(table_files(seeds.canonical_table(), ("csv",), actions=("load", "data export", "participation"), nonempty=True),
         bounded=20)


def test_canonical_parquet():
    fuzz(parquet_files(), bounded=25)


def test_participation_tables():
    fuzz(table_files(seeds.participation(), ("csv", "xlsx"), actions=("participation",)), bounded=20)


def test_workbook_past_the_row_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """The row limit, lowered here, is enforced while the sheet is scanned: one line naming the limit."""
    from upr_lab import load
    from upr_lab.exceptions import DataError
    from upr_lab.sources.formats import workbook

    from openpyxl import Workbook

    table, book = seeds.upr_info(), Workbook()
    for row in (table.header, *table.rows * 3):
        book.active.append(list(row))
    path = tmp_path / "export.xlsx"
    book.save(path)
    monkeypatch.setattr(workbook, "MAX_ROWS", 10)
    monkeypatch.setattr(workbook, "_read_sheet", lambda *a: pytest.fail("the sheet was read past the row limit"))
    with pytest.raises(DataError, match=r"export.xlsx: sheet 'Sheet': found more than 10 rows; expected at most 10 "
                                        r"\(Excel's limit for a sheet\)"):
        load(path)
