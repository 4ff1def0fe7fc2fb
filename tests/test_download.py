"""Downloads of the UHRI export and of UN documents, offline: a local server on 127.0.0.1 serves exports and
PDFs built here in the documented layouts (no real export or ODS reply could be reached) and misbehaves on
purpose. Each case ends in a whole file or a one-line error, never a part file taken for a whole one."""

import hashlib
import io
import json
import socket
import threading

import pytest

from download_server import Server
from uhri_export import record
from upr_lab.cli import main
from upr_lab.exceptions import DataError
from upr_lab.sources.remote import documents, folders, http, uhri

pytestmark = pytest.mark.filterwarnings("ignore:.*trying again in")  # retries are announced; asserted once below


RECORDS = [
    record(),
    record(recommending=["- France"], session=["19"], cycle=None),
    record(body="- CRC", countries=["Peru"], symbol="CRC/C/PER/CO/6-7", text="4.The Committee reminds ..."),
    record(countries=["- Kenya"], symbol="A/HRC/44/9", session=[35], cycle="3", recommending=["- Norway"]),
    record(countries=["- Norway"], symbol="A/HRC/59/14", session="- 46 - January 2025", cycle=["- 4"]),
    record(countries=["- Uzbekistan", "- Czechia"], symbol="A/HRC/22/3", session=["14"], cycle="- 2"),
    record(countries="- Sudan\r\n - South Sudan\r", symbol="A/HRC/18/16", session=[], cycle=None),  # one cell
    record(countries=["- Sudan\n - South Sudan\r"], symbol="A/HRC/18/16", session=[], cycle=None),  # one value
]
EXPORT = json.dumps(RECORDS, indent=1).encode()  # SYNTHETIC records in the documented layout


def pdf_bytes(title):
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=72, height=72)
    writer.add_metadata({"/Title": title})
    writer.write(out)
    return out.getvalue()


@pytest.fixture()
def server():
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture()
def waits(monkeypatch, tmp_path):
    """A private cache, and a quick policy whose waits are recorded instead of slept."""
    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("UPR_LAB_UHRI_URL", raising=False)
    monkeypatch.delenv("UPR_LAB_DOCUMENTS_URL", raising=False)
    slept = []
    monkeypatch.setattr(http, "CHUNK", 256)  # small reads: a connection cut after 1000 bytes kept 768 of them
    monkeypatch.setattr(http, "DEFAULT", http.Policy(attempts=4, backoff=0.001, pause=0.5, sleep=slept.append))
    return slept


def cache_files(tmp_path):
    """The files in the cache, but the empty lock files that let one download run at a time."""
    return sorted(p.relative_to(tmp_path / "cache").as_posix() for p in (tmp_path / "cache").rglob("*")
                  if p.is_file() and not p.name.endswith(".lock"))


def download_uhri(url, *extra):
    return main(["data", "download", "uhri", "--url", url, *extra])


# --- the UHRI export --------------------------------------------------------------------------------------------

def test_the_export_is_filed_whole_with_its_record(server, waits, tmp_path, capsys):
    server.script("/export.json", {"body": EXPORT, "headers": {"Content-Type": "application/json"}})
    assert download_uhri(server.url + "/export.json") == 0
    path = tmp_path / "cache" / "uhri" / "export-full-en.json"
    assert path.read_bytes() == EXPORT
    record_ = json.loads(uhri.record_file(path).read_text())
    assert record_["sha256"] == hashlib.sha256(EXPORT).hexdigest() and record_["size"] == len(EXPORT)
    assert record_["url"] == server.url + "/export.json" and record_["records"] == 8 and record_["upr_records"] == 7
    assert record_["downloaded"].endswith("Z")
    assert uhri.cached_export() == (path, record_["sha256"])
    assert cache_files(tmp_path) == ["uhri/export-full-en.json", "uhri/export-full-en.json.source.json"]
    assert "8 records, 7 from the UPR" in capsys.readouterr().out
    assert server.log[0]["agent"].startswith("upr-lab/")


def test_a_connection_dropped_mid_stream_is_resumed_with_range(server, waits, tmp_path):
    server.script("/export.json", {"body": EXPORT, "drop_after": 1000}, {"body": EXPORT})
    assert download_uhri(server.url + "/export.json") == 0
    assert [entry["range"] for entry in server.log] == [None, "bytes=768-"]
    assert (tmp_path / "cache" / "uhri" / "export-full-en.json").read_bytes() == EXPORT


def test_a_partial_206_reply_is_completed_by_the_next_request(server, waits, tmp_path):
    server.script("/export.json", {"body": EXPORT, "partial": 700}, {"body": EXPORT})
    assert download_uhri(server.url + "/export.json") == 0
    assert [entry["range"] for entry in server.log] == [None, "bytes=700-"]
    assert (tmp_path / "cache" / "uhri" / "export-full-en.json").read_bytes() == EXPORT


def test_a_206_reply_from_elsewhere_than_asked_makes_the_download_start_again(server, waits, tmp_path):
    server.script("/export.json", {"body": EXPORT, "drop_after": 1000}, {"body": EXPORT, "partial": len(EXPORT)},
                  {"body": EXPORT})
    assert download_uhri(server.url + "/export.json") == 0
    assert [entry["range"] for entry in server.log] == [None, "bytes=768-", None]  # 206 bytes 0-...: not ours
    assert (tmp_path / "cache" / "uhri" / "export-full-en.json").read_bytes() == EXPORT


def test_a_server_ignoring_range_makes_the_download_start_again(server, waits, tmp_path):
    server.script("/export.json", {"body": EXPORT, "drop_after": 1000}, {"body": EXPORT, "ranges": False})
    assert download_uhri(server.url + "/export.json") == 0
    assert server.log[1]["range"] == "bytes=768-"
    assert (tmp_path / "cache" / "uhri" / "export-full-en.json").read_bytes() == EXPORT  # not 768 bytes twice


def test_retry_after_is_honoured_on_429_and_503(server, waits, tmp_path):
    server.script("/export.json", {"status": 429, "headers": {"Retry-After": "7"}},
                  {"status": 503, "headers": {"Retry-After": "3"}}, {"status": 503}, {"body": EXPORT})
    with pytest.warns(UserWarning, match=r"429 Too Many Requests; trying again in 7 s \(retry 1 of 3\)"):
        assert download_uhri(server.url + "/export.json") == 0
    assert waits == [7.0, 3.0, 0.004]  # the server's waits, then the backoff (base 0.001, third failure)
    assert (tmp_path / "cache" / "uhri" / "export-full-en.json").read_bytes() == EXPORT


def test_ctrl_c_while_waiting_to_resume_leaves_nothing(server, monkeypatch, waits, tmp_path):
    def interrupted(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(http.DEFAULT, "sleep", interrupted)
    server.script("/export.json", {"body": EXPORT, "drop_after": 1000})
    with pytest.raises(KeyboardInterrupt):
        uhri.download(url=server.url + "/export.json")
    assert cache_files(tmp_path) == []  # the 768 bytes received are not left as a part file


def test_a_wait_too_long_is_one_line_saying_retry_later(server, waits, tmp_path, capsys):
    server.script("/export.json", {"status": 503, "headers": {"Retry-After": "86400"}})
    assert download_uhri(server.url + "/export.json") == 2
    assert "asks to wait 86400 s before retrying (503): retry later" in capsys.readouterr().err
    assert waits == [] and cache_files(tmp_path) == []


def test_retry_after_as_an_http_date(server, waits, tmp_path):
    server.script("/export.json", {"status": 429, "headers": {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}},
                  {"body": EXPORT})
    assert download_uhri(server.url + "/export.json") == 0
    assert waits == [0.0]  # a date already past: no wait
    assert server.log[0]["encoding"] == "identity"  # bytes as stored, so that ranges and lengths agree


def test_a_truncated_json_array_is_refused_and_nothing_is_left(server, waits, tmp_path, capsys):
    server.script("/export.json", {"body": EXPORT[:-300]})  # its Content-Length says it is whole
    assert download_uhri(server.url + "/export.json") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "truncated or not valid JSON after 7 whole records" in err and "--from FILE" in err
    assert cache_files(tmp_path) == []


def test_a_connection_that_breaks_every_time_gives_up_in_one_line(server, waits, tmp_path, capsys):
    server.script("/export.json", {"body": EXPORT, "drop_after": 10, "ranges": False})
    assert download_uhri(server.url + "/export.json") == 2
    err = capsys.readouterr().err.strip()
    assert "gave up after 4 attempts" in err and "retry later" in err and "--from FILE" in err
    assert cache_files(tmp_path) == []


def test_no_network_is_one_line_saying_what_to_do(waits, tmp_path, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    assert download_uhri(f"http://127.0.0.1:{port}/export.json") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("upr-lab: error:") and "\n" not in err
    assert "refused the connection" in err and "retry" in err and "--from FILE" in err
    assert cache_files(tmp_path) == []


def test_an_address_that_is_not_http_or_a_refusal_is_one_line(server, waits, tmp_path, capsys):
    assert download_uhri("ftp://127.0.0.1/export.json") == 2
    assert "cannot fetch it (InvalidSchema): expected an http(s) address" in capsys.readouterr().err
    server.script("/export.json", {"status": 403, "body": b"Forbidden"})
    assert download_uhri(server.url + "/export.json") == 2
    assert "the server answered 403 Forbidden; expected the file (200)" in capsys.readouterr().err
    assert cache_files(tmp_path) == [] and len(server.log) == 1  # a 403 is not retried


def test_a_cache_folder_that_cannot_be_written_is_one_line(server, monkeypatch, tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "a-file" / "cache"))
    assert download_uhri(server.url + "/export.json") == 2
    err = capsys.readouterr().err.strip()
    assert "cannot write to the cache folder" in err and "UPR_LAB_CACHE" in err and "\n" not in err
    assert server.log == []  # refused before asking the server


def test_downloads_go_where_the_parse_cache_is(monkeypatch, tmp_path):
    from upr_lab.sources import cache

    monkeypatch.delenv("UPR_LAB_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert folders.cache_root() == cache.location() == tmp_path / "xdg" / "upr-lab"
    monkeypatch.setenv("UPR_LAB_CACHE", "off")  # turns off the parse cache only
    assert folders.cache_root() == tmp_path / "xdg" / "upr-lab"
    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "mine"))
    assert folders.document_file("A/HRC/WG.6/35/KEN/3") == tmp_path / "mine" / "documents" / "A_HRC_WG.6_35_KEN_3.pdf"


def test_cycles_that_are_not_numbers_are_refused(waits, capsys):
    assert main(["data", "download", "documents", "--all", "--cycles", "3,four"]) == 2
    assert "--cycles '3,four': expected numbers such as 3,4" in capsys.readouterr().err


def test_a_mirror_is_taken_from_the_environment(server, waits, monkeypatch, tmp_path):
    server.script("/mirror/export.json", {"body": EXPORT})
    monkeypatch.setenv("UPR_LAB_UHRI_URL", server.url + "/mirror/export.json")
    assert main(["data", "download", "uhri"]) == 0
    assert [entry["key"] for entry in server.log] == ["/mirror/export.json"]


def test_a_copy_downloaded_by_hand_is_filed(waits, tmp_path):
    copy = tmp_path / "export-full-en.json"
    copy.write_bytes(EXPORT)
    assert main(["data", "download", "uhri", "--from", str(copy)]) == 0
    path, sha256 = uhri.cached_export()
    assert path.read_bytes() == EXPORT and sha256 == hashlib.sha256(EXPORT).hexdigest()
    assert json.loads(uhri.record_file(path).read_text())["from"] == str(copy.resolve())


def test_a_byte_order_mark_is_no_reason_to_refuse_an_export(waits, tmp_path):
    copy = tmp_path / "export-full-en.json"
    copy.write_bytes(b"\xef\xbb\xbf" + EXPORT)  # as a Windows tool may save it
    assert uhri.download(from_file=copy).records == {"records": 8, "upr_records": 7}
    assert len(documents.reviews_in_export(uhri.cached_export()[0])[0]) == 5


def test_a_file_that_is_not_an_array_of_records_is_refused(waits, tmp_path, capsys):
    copy = tmp_path / "page.json"
    copy.write_text('{"error": "login required"}')
    assert main(["data", "download", "uhri", "--from", str(copy)]) == 2
    assert "expected one JSON array of records, found start_map" in capsys.readouterr().err
    assert cache_files(tmp_path) == []


def xlsx_bytes():
    from openpyxl import Workbook

    book, out = Workbook(), io.BytesIO()
    book.active.append(["Text", "Countries Concerned", "Reccomending Body", "Document Symbol"])
    book.active.append(["124.1 Ratify ...", "- Norway", "- UPR", "A/HRC/27/15"])
    book.save(out)
    return out.getvalue()


def test_an_excel_export_must_be_a_whole_zip(server, waits, tmp_path, capsys):
    book = xlsx_bytes()
    server.script("/export.xlsx", {"body": book})
    assert download_uhri(server.url + "/export.xlsx", "--format", "xlsx") == 0
    assert uhri.cached_export("xlsx")[0].read_bytes() == book
    server.script("/page.xlsx", {"body": b"<html><body>Please wait</body></html>"})
    (tmp_path / "cache" / "uhri" / "export-full-en.xlsx").unlink()
    assert download_uhri(server.url + "/page.xlsx", "--format", "xlsx") == 2
    assert "is not a whole Excel file" in capsys.readouterr().err
    assert not (tmp_path / "cache" / "uhri" / "export-full-en.xlsx").exists()
    assert not list((tmp_path / "cache" / "uhri").glob("*.part"))


def test_the_cached_export_is_asked_for_in_one_line(waits, tmp_path):
    with pytest.raises(DataError, match=r"no UHRI export in the cache; run `upr-lab data download uhri`"):
        uhri.cached_export()
    copy = tmp_path / "export.json"
    copy.write_bytes(EXPORT)
    uhri.download(from_file=copy)
    with open(uhri.export_file("json"), "ab") as f:
        f.write(b" ")
    with pytest.raises(DataError, match="changed after download"):
        uhri.cached_export()


# --- reviews and UN documents -----------------------------------------------------------------------------------

def test_reviews_are_read_from_upr_records_only(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([*RECORDS, record(countries=["- Chad", "- Mali"], symbol="A/HRC/12/5", session=["5"]),
                                record(countries=["- Mali"], symbol="A/HRC/99/1", session=[], cycle=None),
                                record(countries=["- Atlantis"], symbol="A/HRC/12/9", session=["5"])]))
    reviews, left_out = documents.reviews_in_export(path)
    assert left_out == [("A/HRC/12/5", "2 States (MLI, TCD)"),
                        ("A/HRC/12/9", "a State name upr-lab does not know ('Atlantis'): name its documents with "
                                       "--symbols"),
                        ("A/HRC/99/1", "no session")]
    assert reviews == [
        documents.Review("CZE", 14, 2, "A/HRC/22/3"),  # UHRI labels it Uzbekistan and Czechia too
        documents.Review("KEN", 35, 3, "A/HRC/44/9"),
        documents.Review("NOR", 19, 2, "A/HRC/27/15"),
        documents.Review("NOR", 46, 4, "A/HRC/59/14"),
        documents.Review("SDN", 11, 1, "A/HRC/18/16"),  # its session from the report's symbol
    ]
    assert documents.Review("KEN", 35, 3, "A/HRC/44/9").documents() == [
        "A/HRC/44/9", "A/HRC/44/9/Add.1", "A/HRC/WG.6/35/KEN/3"]


def test_a_session_that_is_no_number_is_refused_showing_it(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([RECORDS[2], record(session=["- November 2018"])]))
    with pytest.raises(DataError, match=r"record 2: UprSession holds \['- November 2018'\]"):
        documents.reviews_in_export(path)
    path.write_text(json.dumps([record(session=["- 99 - May 2040"])]))
    with pytest.raises(DataError, match=r"record 1 \(A/HRC/27/15\): session 99, cycle 2; expected a Working"):
        documents.reviews_in_export(path)


def serve_documents(server, symbols, missing=()):
    for symbol in symbols:
        if symbol not in missing:
            server.script(symbol, {"body": pdf_bytes(symbol), "headers": {"Content-Type": "application/pdf"}})


def test_documents_of_chosen_reviews_are_fetched_politely_and_then_skipped(server, waits, tmp_path, capsys):
    uhri.download(from_file=_export_file(tmp_path))
    wanted = ["A/HRC/27/15", "A/HRC/27/15/Add.1", "A/HRC/WG.6/19/NOR/3"]
    serve_documents(server, wanted, missing=["A/HRC/27/15/Add.1"])
    args = ["data", "download", "documents", "--countries", "NOR", "--cycles", "2", "--base-url", server.url]
    assert main(args) == 0
    assert "2 fetched, 0 skipped (already cached), 1 not found" in capsys.readouterr().out
    assert [entry["key"] for entry in server.log] == wanted
    assert server.log[0]["query"] == {"s": ["A/HRC/27/15"], "l": ["en"], "t": ["pdf"]}
    assert all(entry["agent"].startswith("upr-lab/0.") for entry in server.log)
    assert waits == [0.5, 0.5]  # a pause between requests, none before the first
    assert cache_files(tmp_path)[:2] == ["documents/A_HRC_27_15.pdf", "documents/A_HRC_WG.6_19_NOR_3.pdf"]
    assert (tmp_path / "cache" / "documents" / "A_HRC_27_15.pdf").read_bytes() == pdf_bytes("A/HRC/27/15")
    assert main(args) == 0
    assert "0 fetched, 2 skipped (already cached), 1 not found" in capsys.readouterr().out
    assert len(server.log) == 4  # only the missing addendum asked for again


def test_a_reply_that_is_not_a_pdf_is_never_saved(server, waits, tmp_path, capsys):
    server.script("A/HRC/1/1", {"body": b"<html>Just a moment...</html>", "headers": {"Content-Type": "text/html"}})
    server.script("A/HRC/1/2", {"body": b"<html>challenge</html>", "headers": {"Content-Type": "application/pdf"}})
    server.script("A/HRC/1/3", {"body": b"", "headers": {"Content-Type": "application/pdf"}})
    serve_documents(server, ["A/HRC/1/4"])
    args = ["data", "download", "documents", "--symbols", "A/HRC/1/1,A/HRC/1/4,A/HRC/1/2,A/HRC/1/3",
            "--base-url", server.url]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert "1 fetched, 0 skipped (already cached), 0 not found, 3 refused (not a PDF)" in out
    assert "refused: A/HRC/1/1: the reply is text/html, not a PDF" in out
    assert "refused: A/HRC/1/2: the reply starts with b'<html', not %PDF-" in out
    assert "refused: A/HRC/1/3: the reply is empty" in out
    assert err.startswith("upr-lab: error: 3 replies were not PDFs") and err.count("\n") == 1
    assert cache_files(tmp_path) == ["documents/A_HRC_1_4.pdf"]


def test_a_pdf_cut_short_is_refused(server, waits, tmp_path):
    whole = pdf_bytes("A/HRC/1/5")
    server.script("A/HRC/1/5", {"body": whole[: len(whole) // 2], "headers": {"Content-Type": "application/pdf"}})
    outcome = documents.download(symbols=["A/HRC/1/5"], base_url=server.url)
    assert outcome.refused == [("A/HRC/1/5", "the PDF has no %%EOF at its end: it is cut short")]
    assert cache_files(tmp_path) == []


def test_a_pdf_dropped_mid_stream_is_resumed(server, waits, tmp_path):
    whole = pdf_bytes("A/HRC/1/6")
    server.script("A/HRC/1/6", {"body": whole, "drop_after": 100, "headers": {"Content-Type": "application/pdf"}},
                  {"body": whole, "headers": {"Content-Type": "application/pdf"}})
    assert documents.download(symbols=["A/HRC/1/6"], base_url=server.url).fetched == ["A/HRC/1/6"]
    assert (tmp_path / "cache" / "documents" / "A_HRC_1_6.pdf").read_bytes() == whole


def test_a_document_server_that_cannot_be_reached_says_how_to_get_the_pdf(waits, tmp_path, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["data", "download", "documents", "--symbols", "A/HRC/40/6", "--base-url",
                 f"http://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert "refused the connection" in err and "retry later, or save the PDF by hand as " in err
    assert err.strip().endswith("A_HRC_40_6.pdf (0 PDFs fetched before it are kept in "
                                f"{tmp_path / 'cache' / 'documents'})") and cache_files(tmp_path) == []


def test_documents_need_the_cached_export_or_symbols(waits, capsys):
    assert main(["data", "download", "documents", "--all", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "no UHRI export in the cache; run `upr-lab data download uhri`" in capsys.readouterr().err


def _export_file(tmp_path):
    path = tmp_path / "export-full-en.json"
    path.write_bytes(EXPORT)
    return path


def test_a_part_file_left_by_a_killed_download_is_never_taken_for_the_export(server, waits, tmp_path, capsys):
    folder = tmp_path / "cache" / "uhri"
    folder.mkdir(parents=True)
    (folder / "export-full-en.json.part").write_bytes(b'[{"Body": "- UPR"}, {"garbage')  # not the export's bytes
    server.script("/export.json", {"body": EXPORT})
    assert download_uhri(server.url + "/export.json") == 2  # resumed from byte 29: the joined file is not JSON
    assert server.log[0]["range"] == "bytes=29-" and "not valid JSON" in capsys.readouterr().err
    assert cache_files(tmp_path) == []
    assert download_uhri(server.url + "/export.json") == 0  # the next attempt starts clean
    assert uhri.cached_export()[0].read_bytes() == EXPORT


def test_a_part_file_longer_than_the_file_is_started_again(server, waits, tmp_path):
    folder = tmp_path / "cache" / "uhri"
    folder.mkdir(parents=True)
    (folder / "export-full-en.json.part").write_bytes(EXPORT + b"  ")
    server.script("/export.json", {"body": EXPORT})
    assert download_uhri(server.url + "/export.json") == 0  # 416 Range Not Satisfiable, then from zero
    assert [entry["range"] for entry in server.log] == [f"bytes={len(EXPORT) + 2}-", None]
    assert uhri.cached_export()[0].read_bytes() == EXPORT


def test_replies_that_are_never_pdfs_stop_the_run_after_three(server, waits, tmp_path, capsys):
    page = {"body": b"<html>Checking your browser</html>", "headers": {"Content-Type": "text/html; charset=utf-8"}}
    for number in range(1, 6):
        server.script(f"A/HRC/2/{number}", page)
    outcome = documents.download(symbols=[f"A/HRC/2/{n}" for n in range(1, 6)], base_url=server.url)
    assert [symbol for symbol, _ in outcome.refused] == ["A/HRC/2/1", "A/HRC/2/2", "A/HRC/2/3"]
    assert len(server.log) == 3 and cache_files(tmp_path) == []


def test_every_state_of_chosen_cycles_and_kinds(server, waits, tmp_path, capsys):
    uhri.download(from_file=_export_file(tmp_path))
    serve_documents(server, ["A/HRC/WG.6/35/KEN/3", "A/HRC/WG.6/46/NOR/3"])
    assert main(["data", "download", "documents", "--all", "--cycles", "3,4", "--kinds", "summary",
                 "--base-url", server.url]) == 0
    assert [entry["key"] for entry in server.log] == ["A/HRC/WG.6/35/KEN/3", "A/HRC/WG.6/46/NOR/3"]
    assert main(["data", "download", "documents", "--all", "--kinds", "minutes", "--base-url", server.url]) == 2
    assert "--kinds minutes: expected some of report,addendum,summary" in capsys.readouterr().err


def test_documents_refuse_to_guess_from_an_excel_export_only(waits, tmp_path, capsys):
    book = tmp_path / "export-full-en.xlsx"
    book.write_bytes(xlsx_bytes())
    assert main(["data", "download", "uhri", "--from", str(book)]) == 0
    assert main(["data", "download", "documents", "--countries", "NOR"]) == 2
    assert "only the Excel one is cached" in capsys.readouterr().err
