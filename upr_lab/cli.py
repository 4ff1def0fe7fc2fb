"""The ``upr-lab`` command: parses arguments and calls one function of the package."""

import argparse
import json
import sys
import warnings

from .exceptions import ParameterError, RunInterrupted, UprLabError
from .files import check_output
from .runs.params import ANALYSES
from .version import __version__


def main(argv=None):
    """Entry point of the ``upr-lab`` console script; exit status 2 on a user error."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.lab_args = extra  # `upr-lab lab` passes unknown options on to JupyterLab
    warnings.formatwarning = lambda message, *_args, **_kwargs: f"upr-lab: warning: {message}\n"
    try:
        return args.func(args) or 0
    except RunInterrupted as exc:
        print(f"upr-lab: interrupted: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("upr-lab: interrupted (nothing was being written)", file=sys.stderr)
        return 130
    except UprLabError as exc:
        if args.debug:
            raise
        print(f"upr-lab: error: {exc}", file=sys.stderr)
        return 2


def _parser():
    parser = argparse.ArgumentParser(prog="upr-lab", description="UPR research workbench")
    parser.add_argument("--version", action="version", version=f"upr-lab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    info = sub.add_parser("data", help="inspect a data source").add_subparsers(dest="action", required=True)
    p = info.add_parser("info", help="what a source holds: rows, cycles, countries, hashes")
    _data_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--differences", default=None, metavar="FILE.csv",
                   help="write where two sources disagree (recommendations in one only, responses that differ)")
    _prediction_option(p)
    p.set_defaults(func=_data_info)
    p = info.add_parser("export", help="write the canonical table (CSV: lists joined by ';'; or Parquet)")
    _data_options(p)
    p.add_argument("--out", required=True, metavar="FILE.csv|FILE.parquet", help="the file to write")
    _prediction_option(p)
    p.set_defaults(func=_data_export)
    download = _download_commands(info)
    extract = sub.add_parser("participation", help="participation tables").add_subparsers(dest="action", required=True)
    p = extract.add_parser("extract", help="participation rows from OHCHR summaries of stakeholders' submissions")
    p.add_argument("documents", nargs="*", metavar="DOCUMENT", help="summaries (PDF or text), or folders of them")
    p.add_argument("--all", action="store_true", help="every summary downloaded into your cache (`upr-lab data "
                   "download documents`), one row per review; a summary that cannot be read is listed, not fatal")
    p.add_argument("--out", default=None, metavar="FILE.csv", help="the CSV to write, for you to check and complete "
                   "(required with DOCUMENT; with --all, the CSV goes to standard output without it)")
    p.set_defaults(func=_participation_extract)
    _code_commands(sub)
    p = sub.add_parser("run", help="run one analysis for one State under review")
    p.add_argument("analysis", choices=ANALYSES, help="the analysis notebook to run")
    p.add_argument("--country", required=True, help="ISO3 code of the State under review")
    _data_options(p, default=None)
    _run_options(p)
    p.set_defaults(func=_run)
    p = sub.add_parser("batch", help="run analyses for many States under review")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--countries", help="comma-separated ISO3 codes")
    which.add_argument("--all", action="store_true", help="every State under review in the data")
    p.add_argument("--analyses", default=",".join(ANALYSES), help="comma-separated analyses")
    p.add_argument("--workers", type=int, default=None, help="notebooks run at once (default: the machine's cores)")
    p.add_argument("--force", action="store_true", help="rerun every run, even those up to date")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on a Dask distributed cluster (e.g. tcp://127.0.0.1:8786) instead of locally")
    p.add_argument("--pdf", action="store_true",
                   help="also print each report to report.pdf (needs Chromium; about 1-2 s per report)")
    _data_options(p, default=None)
    _run_options(p)
    p.set_defaults(func=_batch)
    p = sub.add_parser("verify", help="re-execute recorded runs and compare their outputs")
    p.add_argument("paths", nargs="+", metavar="PATH", help="run folders, manifest.json files or output folders")
    p.set_defaults(func=_verify)
    p = sub.add_parser("pdf", help="print reports to PDF (report.pdf beside each report.html; needs Chromium)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="report.html files, run folders or output folders")
    p.add_argument("--workers", type=int, default=2, help="Chromiums printing at once (default: 2)")
    p.set_defaults(func=_pdf)
    p = sub.add_parser("cite", help="references of upr-lab and of every source a data set or a run used")
    p.add_argument("--data", default=None, help="a data source as for `run` ('upr', a file, a folder, 'upr,PATH'), "
                   "or a run folder, its manifest.json or a folder of runs (default: everything upr-lab ships)")
    p.add_argument("--format", choices=("text", "bibtex"), default="text", help="text (the default) or bibtex")
    p.set_defaults(func=_cite)
    p = sub.add_parser("lab", help="JupyterLab on the notebooks with the project's kernel; other options "
                                   "(e.g. --no-browser --port 8890) are passed to JupyterLab")
    p.set_defaults(func=_lab)
    for p in [*sub.choices.values(), *info.choices.values(), *extract.choices.values(), *download.choices.values()]:
        p.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    return parser


def _data_options(p, default="upr"):
    p.add_argument("--data", default=default, help="'upr' (the embedded real data, UPR cycles 1-2; the default), "
                   "'synthetic' (generated, with planted effects), 'uhri' (the UHRI export in your cache: `upr-lab "
                   "data download uhri`), 'documents' (the UN documents in your cache: `upr-lab data download "
                   "documents`), an export file (a UHRI .json too), a folder of exports or of "
                   "OHCHR documents (reports, addenda, stakeholder summaries), or several: 'upr,PATH'")
    p.add_argument("--participation", default=None, help="participation table (CSV, Excel, Parquet), "
                   "OHCHR stakeholder summaries (a folder of them, or one), or 'documents' (those downloaded into "
                   "your cache)")


def _run_options(p):
    p.add_argument("--implementation", default=None, metavar="FILE.csv",
                   help="implementation statuses by rec_id (e.g. written by `upr-lab code merge`)")
    p.add_argument("--context", default=None, metavar="PATH",
                   help="country-year context: your copy of the Fariss scores or the Political Terror Scale (a "
                   "CSV file or a folder of them), added to the V-Dem indices shipped with upr-lab")
    p.add_argument("--params", default=None, help="YAML parameter file (--data, --out and the other options "
                   "given on the command line win over its data:, out_dir:... with a warning)")
    p.add_argument("--out", default=None, help="output folder (default: the parameter file's out_dir, else outputs)")


def _prediction_option(p):
    p.add_argument("--no-predict-categories", dest="predict_categories", action="store_false",
                   help="only the source's action categories and issue tags (by default upr-lab's classifier "
                   "predicts them where the source has none)")


def _data_info(args):
    from .sources.dataset import load
    from .sources.info import describe, render, write_differences
    from .stats.classify.in_use import with_predictions

    if args.differences:
        check_output(args.differences, inputs=_inputs(args))
    data = with_predictions(load(args.data, participation=args.participation), predict=args.predict_categories)
    if args.differences:
        write_differences(data, args.differences)
    summary = describe(data)
    print(json.dumps(summary, indent=2) if args.json else render(summary))


def _inputs(args):
    """The files a command reads (its data source's parts, the participation table), which its output must
    not overwrite."""
    from .sources.dataset import source_parts

    return [*source_parts(args.data), args.participation]


def _download_commands(info):
    download = info.add_parser("download", help="fetch the UHRI export or UN documents into your cache (the "
                               "only commands that use the network)").add_subparsers(dest="what", required=True)
    p = download.add_parser("uhri", help="the full UHRI export (OHCHR), with its SHA-256 recorded beside it")
    p.add_argument("--format", choices=("json", "xlsx"), default=None, help="json (the default) or xlsx")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--url", default=None, help="a mirror's address (also UPR_LAB_UHRI_URL)")
    source.add_argument("--from", dest="from_file", default=None, metavar="FILE",
                        help="file a copy you downloaded by hand (a browser, another machine)")
    p.set_defaults(func=_download_uhri)
    p = download.add_parser("documents", help="Working Group reports, addenda and stakeholder summaries from the "
                            "UN Official Document System, by symbol")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--countries", help="comma-separated ISO3 codes of States under review")
    which.add_argument("--all", action="store_true", help="every State under review in the cached UHRI export")
    which.add_argument("--symbols", help="comma-separated document symbols to fetch exactly (e.g. A/HRC/40/6)")
    p.add_argument("--cycles", default=None, help="comma-separated UPR cycles (default: all)")
    p.add_argument("--kinds", default="report,addendum,summary", help="some of report,addendum,summary")
    p.add_argument("--base-url", default=None, help="a mirror serving /api/symbol/access?s=SYMBOL&l=en&t=pdf "
                   "(also UPR_LAB_DOCUMENTS_URL)")
    p.set_defaults(func=_download_documents)
    return download


def _download_uhri(args):
    from .sources.remote.uhri import download

    print(download(args.format, args.url, args.from_file).summary())


def _download_documents(args):
    from .sources.remote.documents import download

    split = lambda text: [part.strip() for part in text.split(",") if part.strip()] if text else None  # noqa: E731
    cycles = [int(c) for c in split(args.cycles) if c.isdigit()] if args.cycles else None
    if args.cycles and len(cycles) != len(split(args.cycles)):
        raise ParameterError(f"--cycles {args.cycles!r}: expected numbers such as 3,4")
    outcome = download(split(args.countries), cycles, split(args.kinds), args.base_url, split(args.symbols))
    print("\n".join(outcome.lines()))
    if outcome.refused:
        print(f"upr-lab: error: {len(outcome.refused)} replies were not PDFs and were not saved (first: "
              f"{outcome.refused[0][0]}): retry later, or use --base-url with a mirror", file=sys.stderr)
        return 2
    return 0


def _code_commands(sub):
    code = sub.add_parser("code", help="your own coding of implementation").add_subparsers(dest="action",
                                                                                           required=True)
    p = code.add_parser("sheet", help="an Excel coding sheet of one State's recommendations of one cycle")
    p.add_argument("--country", required=True, help="ISO3 code of the State under review")
    p.add_argument("--cycle", required=True, type=int, help="the UPR cycle (1-4)")
    _data_options(p)
    p.add_argument("--out", required=True, metavar="SHEET.xlsx", help="the workbook to write")
    p.set_defaults(func=_code_sheet)
    p = code.add_parser("agree", help="agreement between coders (Krippendorff's alpha, Cohen's kappa)")
    p.add_argument("sheets", nargs="+", metavar="SHEET", help="one coded sheet per coder")
    p.add_argument("--out", default=None, metavar="FILE.csv", help="write the disagreements, one row each")
    p.set_defaults(func=_code_agree)
    p = code.add_parser("merge", help="the implementation table of the coders' majority statuses")
    p.add_argument("sheets", nargs="+", metavar="SHEET", help="one coded sheet per coder")
    p.add_argument("--out", required=True, metavar="FILE.csv", help="the implementation table to write")
    p.set_defaults(func=_code_merge)


def _code_sheet(args):
    from .stats.coding import write_sheet

    check_output(args.out, inputs=_inputs(args))
    print(f"wrote {write_sheet(args.country, args.cycle, args.out, args.data)}")


def _code_agree(args):
    from .stats.coding import agree

    if args.out:
        check_output(args.out, inputs=args.sheets)
    result = agree(args.sheets, args.out)
    for row in result.summary.itertuples(index=False):
        print(f"{row.measure}: {row.estimate:.3f} (95% bootstrap interval {row.ci_low:.3f} to {row.ci_high:.3f}; "
              f"{row.units} recommendations coded by two or more)")
    if result.left_out:
        print(f"{result.left_out} of {result.left_out + result.summary['units'].iloc[0]} recommendations left out: "
              "coded by fewer than two coders (a blank status: not coded yet)")
    print(f"{len(result.disagreements)} recommendations coded differently" +
          (f": written to {args.out}" if args.out else ""))


def _code_merge(args):
    from .stats.coding import merge

    check_output(args.out, inputs=args.sheets)
    table, undecided = merge(args.sheets, args.out)
    print(f"wrote {len(table)} implementation statuses to {args.out}; {undecided} coded recommendations without "
          "a majority status (a tie or 'unclear') left out" + (f"; {table.attrs['not_coded']} not coded by anyone "
                                                                "yet" if table.attrs.get("not_coded") else ""))


def _data_export(args):
    from .sources.info import export
    from .stats.classify.in_use import with_predictions

    check_output(args.out, inputs=_inputs(args))
    path = export(args.data, args.out, prepare=lambda data: with_predictions(data, predict=args.predict_categories))
    print(f"wrote {path}")


def _participation_extract(args):
    from .sources.ohchr.stakeholders import write_rows

    if args.all:
        return _participation_extract_all(args)
    if not args.documents or not args.out:
        lacking = "DOCUMENT..." if not args.documents else "--out FILE.csv"
        raise ParameterError(f"participation extract: expected {lacking} (or --all, for every summary downloaded "
                             "into the cache)")
    check_output(args.out, inputs=args.documents)
    path, rows = write_rows(args.documents, args.out)
    print(f"wrote {len(rows)} row{'s' if len(rows) != 1 else ''} to {path}: check them, and fill in "
          "national_consultation (not in the summaries)")


def _participation_extract_all(args):
    from .sources.remote.cached import extract_all

    if args.documents:
        raise ParameterError(f"participation extract --all reads every downloaded summary; found {args.documents[0]!r}"
                             " too: name documents or give --all, not both")
    if args.out:
        check_output(args.out)
    found = extract_all(args.out)
    lines = found.lines() + ([f"wrote {len(found.rows)} rows to {args.out}: check them, and fill in "
                              "national_consultation (not in the summaries)"] if args.out else [])
    print("\n".join(lines), file=sys.stdout if args.out else sys.stderr)
    if not args.out:
        sys.stdout.write(found.csv())


def _run(args):
    from .runs.runner import run

    result = run(args.analysis, args.country, args.data, args.participation, args.params, args.out,
                 _extra_inputs(args))
    print(f"{result.status}: {result.path}" + (f" ({result.error})" if result.error else ""))
    return 0 if result.status == "ok" else 1


def _batch(args):
    from .runs.batch import run_batch, summary_lines

    countries = None if args.all else [c.strip() for c in args.countries.split(",") if c.strip()]
    analyses = [a.strip() for a in args.analyses.split(",") if a.strip()]
    results = run_batch(countries, analyses, args.data, args.participation, args.params, args.out, args.workers,
                        args.force, args.scheduler, _extra_inputs(args), args.pdf)
    out = args.out or (results[0].path.parents[1] if results else "outputs")  # a parameter file's out_dir
    print("\n".join(summary_lines(results, out)))
    return 1 if any(r.status != "ok" for r in results) else 0


def _extra_inputs(args):
    """Extra parameters of a run: the implementation table and the context, where given."""
    given = {"implementation": args.implementation, "context": args.context}
    return {name: value for name, value in given.items() if value is not None} or None


def _verify(args):
    from .review.verify import render, verify

    results = verify(args.paths)
    print(render(results))
    return 0 if all(r.ok for r in results) else 1


def _pdf(args):
    from .reports.pdf import print_reports

    printed = print_reports(args.paths, args.workers)
    print(f"{len(printed)} PDF{'s' * (len(printed) != 1)}: " + (str(printed[0]) if len(printed) == 1 else
          f"{printed[0]} ... {printed[-1]}"))


def _cite(args):
    from .review.cite import cite

    print(cite(args.data, args.format), end="")


def _lab(args):
    from .runs.lab import launch

    return launch(args.lab_args)


if __name__ == "__main__":
    sys.exit(main())
