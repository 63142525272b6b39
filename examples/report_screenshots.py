"""Regenerate the report screenshots (1280 px and 390 px wide) in examples/report/.

Usage: python examples/report_screenshots.py NAME=DOCUMENT.json [NAME=DOCUMENT.json ...]
e.g. ``sample=examples/report/sample.json meeting=out/meeting.summarize.json`` (documents from
``speechkit run``). Each document is first made portable (audio ``NAME.wav``, model paths without this
machine's prefix) and saved as ``examples/report/NAME.json``; the page is rendered from that, and
captured in headless system Chromium through Playwright.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath

from playwright.sync_api import sync_playwright

from speechkit.io import atomic_write_text
from speechkit.report.html import report_html
from speechkit.schema import Document

HERE = Path(__file__).parent / "report"
WIDTHS = (1280, 390)


def portable_path(path: str) -> str:
    """A model's path without this machine's prefix: from ``site-packages/`` on, ``~`` for the home folder."""
    parts = PurePosixPath(path).parts
    if "site-packages" in parts:
        return PurePosixPath(*parts[parts.index("site-packages"):]).as_posix()
    home = Path.home().as_posix()
    if path.startswith(home + "/"):
        return "~" + path[len(home):]
    return PurePosixPath(path).name if PurePosixPath(path).is_absolute() else path


def portable(doc: Document, name: str) -> Document:
    """``doc`` as it can be published: its audio is ``NAME.wav`` beside it, no absolute local paths."""
    update: dict = {"provenance": [p.model_copy(update={"model_path": p.model_path and portable_path(p.model_path)})
                                   for p in doc.provenance]}
    if doc.source is not None and doc.source.kind == "file":
        update["source"] = doc.source.model_copy(update={"uri": f"{name}.wav"})
    if doc.audio is not None:
        update["audio"] = doc.audio.model_copy(update={"path": f"{name}.wav"})
    return doc.model_copy(update=update)


def shoot(pairs: list[tuple[str, Path]]) -> list[Path]:
    """One full-page PNG per document and width; returns the paths written."""
    HERE.mkdir(exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        for name, path in pairs:
            page_file = Path(tmp) / f"{name}.html"
            doc = portable(Document.load(path), name)
            written.append(atomic_write_text(HERE / f"{name}.json", doc.to_json() + "\n"))
            page_file.write_text(report_html(doc, audio=f"{name}.wav"), encoding="utf-8")
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(page_file.as_uri())
                page.wait_for_function("window.speechkitReady === true")
                page.add_style_tag(content=".seg { content-visibility: visible; }")  # paint the whole page
                out = HERE / f"{name}-{width}.png"
                page.screenshot(path=str(out), full_page=True)
                written.append(out)
                page.close()
        browser.close()
    return written


def main(argv: list[str]) -> int:
    pairs = []
    for arg in argv:
        name, sep, path = arg.partition("=")
        if not sep or not Path(path).is_file():
            print(f"expected NAME=DOCUMENT.json with an existing document, got {arg!r}", file=sys.stderr)
            return 2
        pairs.append((name, Path(path)))
    for path in shoot(pairs):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
