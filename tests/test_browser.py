"""What a reader's browser shows: a batch's site (overview, a State page, reports) opened from file:// in
headless Chromium, driven by selenium. No console error, every image decoded and described, every local
link resolving, nothing fetched from the network, the overview's table sorting and filtering; a
screenshot of each page is saved under test-artifacts/browser (listed at the end of the run).

Needs Debian's chromium and chromium-driver (see conftest.py: skipped with how to install them, or a
failure under UPR_LAB_REQUIRE_BROWSER=1, which .ci/run sets).
"""

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import EMBEDDED_BATCH, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
STATES = ["NOR", "KEN", "BRA"]


@pytest.fixture(scope="module")
def site(browser, embedded_batch):
    """A batch of three States, all four analyses, on the embedded real data: the session's batch, which the
    pages only read (the browser fixture comes first so that a missing browser skips before the batch runs)."""
    import json

    assert tuple(STATES) == EMBEDDED_BATCH
    runs = json.loads((embedded_batch / "batch.json").read_text(encoding="utf-8"))["runs"]
    assert len(runs) == 12 and [r for r in runs if r["status"] != "ok"] == []
    return embedded_batch


def open_page(browser, path):
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(Path(path).as_uri())
    assert browser.execute_script("return document.readyState") == "complete"


def console_errors(browser):
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def check_page(browser, path):
    """The checks every page passes; returns the images' descriptions (src kind, size, alt)."""
    open_page(browser, path)
    assert console_errors(browser) == []
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [url for url in fetched if not url.startswith(("file:", "data:"))] == [], "fetched from the network"
    targets = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href], img[src], link[href], script[src]'))"
        ".map(e => [e.tagName, e.href || e.src])")
    external = [url for tag, url in targets if tag != "A" and not url.startswith(("file:", "data:"))]
    assert external == [], "a resource outside the page's folder"
    local = [urlparse(url) for _, url in targets if url.startswith("file:")]
    missing = sorted({unquote(u.path) for u in local if not Path(unquote(u.path)).exists()})
    assert missing == [], f"local links that resolve to nothing: {missing[:5]}"
    images = browser.execute_script(
        "return Array.from(document.images).map(i => ({complete: i.complete, width: i.naturalWidth, "
        "alt: i.getAttribute('alt'), data: i.src.startsWith('data:image/png')}))")
    undecoded = [i for i in images if not (i["complete"] and i["width"] > 0)]
    assert undecoded == [], f"{len(undecoded)} of {len(images)} images not decoded"
    assert [i for i in images if not (i["alt"] or "").strip()] == [], "an image without alt text"
    return images


def visible_rows(browser, column=0):
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#states-table tbody tr')).filter(r => !r.hidden)"
        ".map(r => r.cells[arguments[0]].getAttribute('data-sort') ?? r.cells[arguments[0]].textContent.trim())",
        column)


def column_of(browser, label):
    labels = browser.execute_script(
        "return Array.from(document.querySelectorAll('#states-table thead th')).map(h => h.textContent.trim())")
    return next(i for i, text in enumerate(labels) if text.startswith(label))


def click_header(browser, index):
    from selenium.webdriver.common.by import By

    browser.find_elements(By.CSS_SELECTOR, "#states-table thead th button")[index].click()


def test_the_overview_lists_every_state_with_its_figures_and_links(site, browser):
    check_page(browser, site / "index.html")
    save_screenshot(browser, "overview")
    names = visible_rows(browser)
    assert sorted(names) == names == ["Brazil", "Kenya", "Norway"]
    text = browser.find_element("tag name", "body").text
    assert "Regional summary" in text and "Runs of this batch" in text and "SYNTHETIC" not in text
    accepted = visible_rows(browser, column_of(browser, "Accepted (%)"))
    assert all(float(value) > 0 for value in accepted)
    ranks = visible_rows(browser, column_of(browser, "Rank in group"))
    assert all(value.isdigit() for value in ranks), "rank in group from the regional comparison"


def test_sorting_reorders_the_rows_numerically_and_by_name(site, browser):
    open_page(browser, site / "index.html")
    accepted = column_of(browser, "Accepted (%)")
    click_header(browser, accepted)
    ascending = [float(v) for v in visible_rows(browser, accepted)]
    assert ascending == sorted(ascending)
    click_header(browser, accepted)
    descending = [float(v) for v in visible_rows(browser, accepted)]
    assert descending == sorted(ascending, reverse=True)
    ratified = column_of(browser, "Ratified within 5 years")
    for _ in range(2):  # a State without the figure stays last, whichever the direction
        click_header(browser, ratified)
        assert visible_rows(browser, ratified)[-1] == ""
    click_header(browser, 0)
    assert visible_rows(browser) == ["Brazil", "Kenya", "Norway"]
    click_header(browser, 0)
    assert visible_rows(browser) == ["Norway", "Kenya", "Brazil"]
    save_screenshot(browser, "overview-sorted")


def test_filtering_hides_the_other_rows(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(browser, site / "index.html")
    box = browser.find_element(By.ID, "state-filter")
    box.send_keys("ken")
    assert visible_rows(browser) == ["Kenya"]
    assert browser.find_element(By.ID, "state-count").text == "1 of 3 shown"
    box.clear()
    box.send_keys("nor")
    assert visible_rows(browser) == ["Norway"]
    save_screenshot(browser, "overview-filtered")
    browser.execute_script("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'))", box)
    Select(browser.find_element(By.ID, "group-filter")).select_by_value("Africa")
    assert visible_rows(browser) == ["Kenya"]
    Select(browser.find_element(By.ID, "group-filter")).select_by_value("")
    assert len(visible_rows(browser)) == 3


def test_a_state_page_shows_its_figures_analyses_and_sources(site, browser):
    check_page(browser, site / "NOR" / "index.html")
    save_screenshot(browser, "state-NOR")
    text = browser.find_element("tag name", "body").text
    assert "Norway (NOR)" in text and "Headline figures" in text and "Data sources" in text
    assert "Ratified within 5 years" in text and "of 29 in WEOG" in text
    links = browser.execute_script("return Array.from(document.links).map(a => a.getAttribute('href'))")
    assert {f"{a}/report.html" for a in ("compliance_trends", "civil_society", "regional_comparison",
                                          "recommending_states")} <= set(links)
    assert "../index.html" in links


@pytest.mark.parametrize("analysis", ["compliance_trends", "civil_society", "regional_comparison",
                                      "recommending_states"])
def test_a_report_reads_well_offline(site, browser, analysis):
    from selenium.webdriver.common.by import By

    images = check_page(browser, site / "NOR" / analysis / "report.html")
    assert images and all(i["data"] for i in images), "figures embedded in the page"
    assert browser.title.startswith("Norway (NOR): ")
    captions = browser.find_elements(By.CSS_SELECTOR, ".upr-caption")
    assert len(captions) == len(images) and all(c.text.startswith("Figure ") for c in captions)
    for header in browser.find_elements(By.CSS_SELECTOR, "table.upr-table th"):
        assert "rate" not in header.text or "(%)" in header.text or "odds" in header.text, header.text
    aligned = browser.execute_script(
        "return Array.from(document.querySelectorAll('table.upr-table td.text'))"
        ".map(c => getComputedStyle(c).textAlign + ' ' + getComputedStyle(c).whiteSpace)")
    assert set(aligned) <= {"left normal"}
    save_screenshot(browser, f"report-NOR-{analysis}", max_height=4000)


def test_a_report_prints_to_the_same_pdf_twice_and_the_state_page_links_it(tmp_path, real_exports_batch, browser):
    import shutil

    import pypdfium2
    from pypdf import PdfReader

    from conftest import ARTIFACTS, REAL_EXPORTS_BATCH
    from upr_lab.reports.pdf import print_reports

    # an output folder of one State (the session's batch on the real exports, copied: printing rewrites its site);
    # a folder of more States would only print more pages
    out = tmp_path / "out"
    shutil.copytree(real_exports_batch, out)
    run = out / REAL_EXPORTS_BATCH / "compliance_trends"
    [pdf] = print_reports([run])
    first = pdf.read_bytes()
    pdf.unlink()
    assert len(print_reports([out])) == 4  # the whole output folder: its site is rewritten with the PDF links
    assert (run / "report.pdf").read_bytes() == first, "the same page gives the same PDF bytes"
    info = PdfReader(pdf).metadata
    assert "/CreationDate" not in info and "/ModDate" not in info and info["/Title"].startswith("Kenya (KEN)")
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) > 3
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=1).to_pil().save(ARTIFACTS / "report-KEN-compliance_trends-pdf-page1.png")
    check_page(browser, out / REAL_EXPORTS_BATCH / "index.html")
    links = browser.execute_script("return Array.from(document.links).map(a => a.getAttribute('href'))")
    assert "compliance_trends/report.pdf" in links
