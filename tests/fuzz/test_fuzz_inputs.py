"""Fuzzing every other input the user guide lists (docs/guide/sources.md): OHCHR documents (PDF, text), matrices of recommendations
(.docx, once a reader exists), country-year context (PTS, Fariss), coding sheets, parameter and alias YAML,
and the paths given to ``--data`` and ``--out`` (see ``fuzz_oracle`` for the oracle)."""

import io
import os

import pytest
from hypothesis import strategies as st

import fuzz_mutations as mutate
import fuzz_seeds as seeds
from fuzz_oracle import Example, cli, fuzz, python_command, valid_participation, valid_recommendations

# -- OHCHR documents -------------------------------------------------------------------------------------

def read_documents(name):
    def action(folder):
        from upr_lab import load

        valid_recommendations(load(folder / name).recommendations)
    return action, python_command(f"from upr_lab import load; load({name!r})")


def read_summary(name):
    def action(folder):
        from upr_lab.sources.formats.participation import read_participation

        valid_participation(read_participation([folder / name]))
    return action, python_command("from upr_lab.sources.formats.participation import read_participation; "
                                  f"print(read_participation([{name!r}]))")


@st.composite
def pdf_documents(draw):
    """A real report or stakeholder summary (PDF) damaged, with pages dropped, repeated or appended from
    another document."""
    choice = draw(st.sampled_from([("SVN", "A_HRC_WG.6_7_SVN_3.pdf", read_summary),
                                   ("SVN", "A_HRC_14_15.pdf", read_documents)]), label="document")
    raw = seeds.document(choice[0], choice[1])
    pages = draw(st.sampled_from(["", "page repeated", "page dropped", "another document appended"]), label="pages")
    if pages:
        raw = _pages(raw, pages, seeds.document("SVN", "A_HRC_WG.6_20_SVN_3.pdf"))
    raw, damage = draw(mutate.damaged_bytes(raw))
    action, command = choice[2](choice[1])
    return Example({choice[1]: raw}, [pages, damage], action, command)


def _pages(raw, how, other):
    from pypdf import PdfReader, PdfWriter

    reader, writer = PdfReader(io.BytesIO(raw)), PdfWriter()
    pages = list(reader.pages)
    if how == "page repeated":
        pages = pages[:2] + pages[1:]
    elif how == "page dropped" and len(pages) > 2:
        pages = pages[:1] + pages[2:]
    for page in pages:
        writer.add_page(page)
    if how == "another document appended":
        for page in PdfReader(io.BytesIO(other)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@st.composite
def text_documents(draw):
    """A real stakeholder summary as text: re-encoded, reordered, repeated, cut short or doubled."""
    name = draw(st.sampled_from(["A_HRC_WG.6_50_USA_3.txt", "A_HRC_WG.6_52_DNK_3.txt"]), label="document")
    raw, edit = draw(mutate.text_variant(seeds.document("stakeholder-summaries", name)))
    raw, damage = draw(mutate.damaged_bytes(raw))
    how = draw(st.sampled_from([read_summary, read_documents]), label="read as")
    action, command = how(name)
    return Example({name: raw}, [edit, damage, how.__name__], action, command)


def test_ohchr_pdf_documents():
    fuzz(pdf_documents(), bounded=6, share=0.2)


def test_ohchr_text_documents():
    fuzz(text_documents(), bounded=12)


def matrix_reader():
    """True once upr-lab reads OHCHR matrices (.docx): the loader lists the suffix among those it reads."""
    from upr_lab.sources import dataset

    return ".docx" in dataset.READABLE_SUFFIXES


@st.composite
def matrices(draw):
    raw = seeds.document("matrices", "CHN", "Matrix_recommendations_2018.docx")
    raw, container = draw(mutate.damaged_zip(raw))
    raw, damage = draw(mutate.damaged_bytes(raw))
    action, command = read_documents("matrix.docx")
    return Example({"matrix.docx": raw}, [container, damage], action, command)


def test_ohchr_matrices():
    if not matrix_reader():
        pytest.skip("no reader of OHCHR matrices (.docx) yet: this strategy runs once one is merged")
    fuzz(matrices(), bounded=10)


# -- country-year context ----------------------------------------------------------------------------------

CONTEXT_VALUES = ("2.5", "99999999999999999999", "inf", "-1", "99999999999", "1e309", "NA", "", "x")


@st.composite
def context_files(draw):
    """A real PTS or Fariss excerpt with a value or a year changed, re-encoded, cut mid-row or header only."""
    name, raw, encoding = draw(st.sampled_from([("pts.csv", "pts", "cp1252"), ("fariss.csv", "fariss", "utf-8")]),
                               label="file")
    raw = getattr(seeds, raw)()
    lines = raw.decode(encoding).splitlines(keepends=True)
    edit = draw(st.sampled_from(["", "value", "year", "header only"]), label="edit")
    if edit in ("value", "year"):
        i = draw(st.integers(1, len(lines) - 1), label="line")
        cells = lines[i].rstrip("\r\n").split(",")
        column = (2 if name == "pts.csv" else 0) if edit == "year" else draw(st.integers(0, len(cells) - 1))
        cells[column] = draw(st.sampled_from(CONTEXT_VALUES), label="value")
        lines[i] = ",".join(cells) + "\n"
        edit = f"line {i + 1}, field {column + 1}: {cells[column]!r}"
    elif edit == "header only":
        lines = lines[:1]
    raw, variant = draw(mutate.text_variant("".join(lines).encode(encoding), encoding))
    raw, damage = draw(mutate.damaged_bytes(raw))

    def action(folder):
        from upr_lab.sources.context.load import load_context

        frame = load_context(folder / name)
        assert len(frame), "an empty context table was accepted"
    command = python_command(f"from upr_lab.sources.context.load import load_context; print(load_context({name!r}))")
    return Example({name: raw}, [edit, variant, damage], action, command)


def test_context_files():
    fuzz(context_files(), bounded=15)


# -- coding sheets -----------------------------------------------------------------------------------------

def coding_sheets(folder_name="sheets"):
    """Two coders' sheets of one real review (Slovenia, cycle 1, from the embedded data), both written by
    ``upr-lab code sheet`` and coded."""
    from upr_lab.sources.formats import coding_sheet

    recs = seeds.canonical_frame()
    import tempfile
    from pathlib import Path

    sheets = []
    with tempfile.TemporaryDirectory() as folder:
        for coder, statuses in (("a", ["fully", "partially", "not", "unclear"]), ("b", ["fully", "not", "not", ""])):
            path = coding_sheet.write_sheet(recs, "SVN", int(recs["cycle"].iloc[0]), "upr", Path(folder) / f"{coder}.xlsx")
            sheets.append(_coded(path.read_bytes(), statuses, coder))
    return sheets


def _coded(raw, statuses, coder):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw))
    sheet = book["coding"]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=6).value = statuses[row % len(statuses)] or None
        sheet.cell(row=row, column=9).value = coder
    out = io.BytesIO()
    book.save(out)
    return mutate.fixed_zip(out.getvalue())


@st.composite
def coded_sheets(draw, sheets):
    """A coder's sheet with statuses blank or odd, its hidden meta sheet edited, or damaged; read by `code
    agree` or `code merge` with the other coder's sheet."""
    from openpyxl import load_workbook

    raw = sheets[0]
    edit = draw(st.sampled_from(["", "status", "all blank", "meta row removed", "meta value", "zip", "bytes"]),
                label="edit")
    label = edit
    if edit in ("status", "all blank", "meta row removed", "meta value"):
        book = load_workbook(io.BytesIO(raw))
        coding, meta = book["coding"], book["upr-lab"]
        if edit == "status":
            value = draw(st.sampled_from(["Fully", " not ", "done", "", "1", "partially, mostly"]), label="status")
            coding.cell(row=2, column=6).value = value or None
            label = f"status {value!r}"
        elif edit == "all blank":
            for row in range(2, coding.max_row + 1):
                coding.cell(row=row, column=6).value = None
        elif edit == "meta row removed":
            row = draw(st.integers(1, meta.max_row), label="meta row")
            meta.delete_rows(row)
            label = f"meta row {row} removed"
        else:
            row = draw(st.integers(1, meta.max_row), label="meta row")
            meta.cell(row=row, column=2).value = draw(st.sampled_from(["two", "", "9" * 40, "-1", "XXX"]))
            label = f"meta row {row} value {meta.cell(row=row, column=2).value!r}"
        out = io.BytesIO()
        book.save(out)
        raw = mutate.fixed_zip(out.getvalue())
    elif edit == "zip":
        raw, label = draw(mutate.damaged_zip(raw))
    elif edit == "bytes":
        raw, label = draw(mutate.damaged_bytes(raw))
    command_name = draw(st.sampled_from(["agree", "merge"]), label="command")

    def action(folder):
        out = folder / "merged.csv"
        if command_name == "agree":
            cli("code", "agree", folder / "a.xlsx", folder / "b.xlsx")
        else:
            cli("code", "merge", folder / "a.xlsx", folder / "b.xlsx", "--out", out, out=out)
    extra = " --out merged.csv" if command_name == "merge" else ""
    return Example({"a.xlsx": raw, "b.xlsx": sheets[1]}, [label, command_name], action,
                   f"upr-lab code {command_name} a.xlsx b.xlsx{extra}")


def test_coding_sheets():
    fuzz(coded_sheets(coding_sheets()), bounded=4)


# -- YAML: parameters and country aliases -------------------------------------------------------------------

LAUGHS = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n".encode() for i in range(8))
YAML_EDITS = {"deep lists": lambda n: b"x: " + b"[" * n + b"]" * n + b"\n",
              "deep mappings": lambda n: b"x:" + b"".join(b" {a:" for _ in range(n)) + b" 1" + b"}" * n + b"\n",
              "self-expanding anchors": lambda n: LAUGHS,
              "number of thousands of digits": lambda n: b"min_recommendations: " + b"7" * n + b"\n",
              "tab indentation": lambda n: b"compliance_trends:\n\tmin_recommendations: 5\n",
              "a list, not a mapping": lambda n: b"- a\n- b\n",
              "duplicate keys": lambda n: b"a: 1\na: 2\n",
              "binary": lambda n: bytes(range(256))}


@st.composite
def yaml_files(draw):
    """The shipped parameter defaults or alias file, edited as text, or replaced by a hostile document."""
    kind = draw(st.sampled_from(["params", "aliases"]), label="file")
    raw = seeds.params_yaml() if kind == "params" else seeds.aliases_yaml()
    edit = draw(st.sampled_from(["", "text", *YAML_EDITS]), label="edit")
    if edit == "text":
        raw, edit = draw(mutate.text_variant(raw))
        raw, damage = draw(mutate.damaged_bytes(raw))
        edit = f"{edit}; {damage}"
    elif edit:
        raw = YAML_EDITS[edit](draw(st.sampled_from([10, 3000, 5000]), label="size"))
    name = f"{kind}.yaml"

    def action(folder):
        if kind == "params":
            from upr_lab.runs.params import resolve

            resolve("compliance_trends", "NOR", params_file=folder / name)
        else:
            from upr_lab.sources.countries import CountryResolver

            CountryResolver(folder / name).lookup("Norway")
    call = ("from upr_lab.runs.params import resolve; resolve('compliance_trends', 'NOR', params_file='params.yaml')"
            if kind == "params" else
            "from upr_lab.sources.countries import CountryResolver; CountryResolver('aliases.yaml')")
    return Example({name: raw}, [edit], action, python_command(call))


def test_yaml_files():
    fuzz(yaml_files(), bounded=15)


# -- paths given to --data and --out -----------------------------------------------------------------------

OUT_PATHS = ("out.csv", "missing/folder/out.csv", "data.csv/out.csv", ".", "/dev/full", "out.txt", "out.parquet",
             "folder")
DATA_PATHS = ("data.csv", "fifo", "/dev/null", "folder", "empty.csv", "missing.csv", "link-loop")


@st.composite
def paths(draw):
    """`data export` with ``--data`` naming a FIFO, a device, a folder, nothing or a symlink loop, and ``--out``
    under a missing folder or a file, a folder itself or a full device."""
    table = seeds.canonical_table()
    data = draw(st.sampled_from(DATA_PATHS), label="--data")
    out = draw(st.sampled_from(OUT_PATHS), label="--out")
    files = {"data.csv": mutate.csv_bytes(table.header, table.rows), "empty.csv": b""}

    def action(folder):
        os.mkdir(folder / "folder")
        os.mkfifo(folder / "fifo")
        os.symlink("link-loop", folder / "link-loop")
        target = out if out.startswith("/") else folder / out
        created = None if out.startswith("/") or out in (".", "folder") else target
        cli("data", "export", "--data", data if data.startswith("/") else folder / data, "--out", target,
            out=created)
    return Example(files, [f"--data {data}", f"--out {out}"], action,
                   f"mkdir folder; mkfifo fifo; ln -s link-loop link-loop; upr-lab data export --data {data} --out {out}")


def test_paths():
    fuzz(paths(), bounded=15)
