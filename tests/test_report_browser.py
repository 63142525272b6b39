"""The report page driven in headless Chromium (Debian's package) through Playwright: seeking,
the timeline, search, renaming, 390 px layout, embedded audio, keyboard focus, contrast, printing and a
3-hour page's time to interactive."""

from __future__ import annotations

import base64
import json
import math
import re
import shutil
import struct
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from speechkit.report.html import report_html
from speechkit.speakers.names import apply_names
from speechkit.schema import Audio, ChapterSummary, Document, Segment, Speaker, SpeakerTurn, Source, Summary, Word

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no system chromium (scripts/setup.sh installs it)")


def tone(path: Path, seconds: float, rate: int = 8000) -> None:
    """A quiet sine: enough audio for the player to seek in."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(3000 * math.sin(i / 9))) for i in range(int(seconds * rate))))


def conversation(n: int = 6, step: float = 4.0) -> Document:
    """Two speakers taking turns (with one overlap), words with scores, a summary."""
    texts = ["Welcome to the budget meeting.", "Thanks, the budget looks tight.", "We can move the launch.",
             "Marketing needs more time.", "Then the launch is in May.", "Agreed, May it is."]
    segs = []
    for i in range(n):
        start, text = i * step, texts[i % len(texts)]
        words = [Word(word=w, start=start + k * 0.4, end=start + k * 0.4 + 0.3, score=0.3 if k == 1 else 0.9)
                 for k, w in enumerate(text.split())]
        segs.append(Segment(start=start, end=start + step + (0.8 if i == 2 else -0.2), text=text, words=words,
                            speaker=f"SPEAKER_0{i % 2}"))
    return Document(source=Source(uri="meeting.wav"), segments=segs,
                    speakers=[Speaker(id="SPEAKER_00", speech_seconds=11.4),
                              Speaker(id="SPEAKER_01", speech_seconds=11.6)],
                    summary=Summary(overall="A budget meeting.", speakers={"SPEAKER_00": ["Move the launch."]},
                                    chapters=[ChapterSummary(start=8.0, title="Part 1", summary="The launch.")]))


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser, tmp_path: Path, doc: Document, width: int = 1280, audio_seconds: float = 30.0,
              height: int = 800):
    tone(tmp_path / "meeting.wav", audio_seconds)
    report = tmp_path / "meeting.html"
    report.write_text(report_html(doc), encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(report.as_uri())
    page.wait_for_function("window.speechkitReady === true && document.getElementById('player').readyState >= 1")
    return page


def test_clicking_a_timestamp_seeks_the_player_and_highlights_its_segment(browser, tmp_path):
    page = open_page(browser, tmp_path, conversation())
    stamp = page.locator(".seg .ts").nth(3)
    stamp.click()
    assert page.evaluate("document.getElementById('player').currentTime") == pytest.approx(float(stamp.get_attribute("data-start")))
    assert page.locator(".seg.now").get_attribute("data-start") == "12.00"
    page.locator(".seg").nth(1).locator(".w").nth(2).click()  # a word seeks too
    assert page.evaluate("document.getElementById('player').currentTime") == pytest.approx(4.8)
    assert page.locator(".seg").first.locator(".w.low").count() == 1  # the low-scored word is marked


def test_clicking_the_timeline_seeks_and_moves_the_playhead(browser, tmp_path):
    page = open_page(browser, tmp_path, conversation())
    lane = page.locator("#timeline .lane-track").first
    lane.scroll_into_view_if_needed()
    track = lane.bounding_box()
    page.mouse.click(track["x"] + track["width"] * 0.5, track["y"] + track["height"] / 2)
    duration = float(page.locator("#timeline").get_attribute("data-duration"))
    assert page.evaluate("document.getElementById('player').currentTime") == pytest.approx(duration / 2, rel=0.03)
    head = page.locator("#playhead").bounding_box()
    assert head["x"] == pytest.approx(track["x"] + track["width"] * 0.5, abs=4)
    assert page.locator("#timeline .lane").count() == 2


def test_search_shows_only_matching_segments_and_counts_hits(browser, tmp_path):
    page = open_page(browser, tmp_path, conversation())
    page.fill("input#search", "launch")
    assert page.locator(".seg:visible").count() == 2
    assert page.locator("#hits").inner_text() == "2 hits"
    assert page.locator(".seg:visible mark").all_inner_texts() == ["launch", "launch"]
    page.fill("input#search", "")
    page.select_option("#speaker-filter", "SPEAKER_01")
    assert page.locator(".seg:visible").count() == 3
    assert set(page.locator(".seg:visible").evaluate_all("els => els.map(e => e.dataset.speaker)")) == {"SPEAKER_01"}


def test_renaming_a_speaker_changes_every_place_and_survives_a_reload(browser, tmp_path):
    page = open_page(browser, tmp_path, conversation())
    page.fill('.rename[data-speaker="SPEAKER_00"]', "Ada")
    badges = page.locator('.badge[data-speaker="SPEAKER_00"]')
    assert badges.count() >= 6  # transcript, key points, speaker table, timeline
    assert set(badges.all_inner_texts()) == {"Ada"}
    assert "SPEAKER_00" not in page.locator("body").inner_text().replace("Rename", "")
    with page.expect_download() as got:
        page.click("#download-srt")
    assert "[Ada] Welcome to the budget meeting." in Path(got.value.path()).read_text()
    with page.expect_download() as got:
        page.click("#download-json")
    renamed = Document.from_dict(json.loads(Path(got.value.path()).read_text()))
    assert renamed.speakers[0].name == "Ada"
    page.reload()
    page.wait_for_function("window.speechkitReady === true")
    assert set(page.locator('.badge[data-speaker="SPEAKER_00"]').all_inner_texts()) == {"Ada"}


def test_no_horizontal_scroll_at_390_px(browser, tmp_path):
    doc = conversation()
    doc.segments[0].text = doc.segments[0].text + " " + "x" * 200
    page = open_page(browser, tmp_path, doc, width=390)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_three_hour_transcript_is_interactive_in_under_two_seconds(browser, tmp_path):
    doc = conversation(n=3 * 3600 // 4)  # a 4-second turn each, for 3 hours
    tone(tmp_path / "meeting.wav", 1.0)
    report = tmp_path / "meeting.html"
    report.write_text(report_html(doc), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    began = time.perf_counter()
    page.goto(report.as_uri())
    page.wait_for_function("window.speechkitReady === true")
    page.fill("input#search", "May")
    page.locator("#hits").filter(has_text="hits").wait_for()
    elapsed = time.perf_counter() - began
    assert elapsed < 2.0, f"{elapsed:.2f} s"


def test_embedded_audio_plays_from_file_with_the_recording_gone(browser, tmp_path, data_dir):
    wav = tmp_path / "call.wav"
    shutil.copyfile(data_dir / "sample.wav", wav)  # 30 s of real speech, 16 kHz 16-bit mono
    doc = conversation()
    doc.source = Source(uri=str(wav))
    (tmp_path / "call.json").write_text(doc.to_json(), encoding="utf-8")
    speechkit = str(Path(sys.executable).parent / "speechkit")
    subprocess.run([speechkit, "export", str(tmp_path / "call.json"), "-f", "html", "--embed-audio",
                    "-d", str(tmp_path / "shared")], check=True, capture_output=True)
    wav_bytes = wav.stat().st_size
    wav.unlink()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto((tmp_path / "shared" / "call.html").as_uri())
    page.wait_for_function("window.speechkitReady === true && document.getElementById('player').readyState >= 1")
    src = page.get_attribute("#player", "src")
    assert src.startswith("data:audio/ogg;base64,")
    embedded = len(base64.b64decode(src.split(",", 1)[1]))
    assert embedded < wav_bytes / 8, f"embedded {embedded} B is 1/{wav_bytes / embedded:.1f} of the WAV's {wav_bytes} B"
    assert page.evaluate("document.getElementById('player').duration") == pytest.approx(30.0, abs=0.3)
    page.locator(".seg .ts").nth(3).click()
    page.wait_for_function("document.getElementById('player').readyState >= 2")  # decoded at the seek target
    assert page.evaluate("document.getElementById('player').currentTime") == pytest.approx(12.0)


FOCUSED = """() => {
  const el = document.activeElement, r = el.getBoundingClientRect(), s = getComputedStyle(el);
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {name: el.id || (el.closest('.seg') ? 'segment-time' : el.className || el.tagName.toLowerCase()),
          outline: s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth),
          uncovered: r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && (hit === el || el.contains(hit))};
}"""


def test_tab_reaches_search_then_filter_then_each_timestamp_with_a_visible_focus(browser, tmp_path):
    page = open_page(browser, tmp_path, conversation(n=30), height=500)
    stops = []
    while sum(s["name"] == "segment-time" for s in stops) < 12 and len(stops) < 100:
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    names = [s["name"] for s in stops if s["name"] != "player"]  # the player's own controls come first
    first = names.index("search")
    assert names[first:first + 4] == ["search", "speaker-filter", "segment-time", "segment-time"]
    assert names.index("ts") < names.index("rename") < first, "chapters, then speakers, then the transcript"
    for _ in range(6):  # and back up, where the sticky player could hide what gets focus
        page.keyboard.press("Shift+Tab")
        stops.append(page.evaluate(FOCUSED))
    for stop in stops:
        if stop["name"] != "player":
            assert stop["outline"] >= 2 and stop["uncovered"], stop
    page.keyboard.press("Enter")  # the focused timestamp seeks like a click
    assert page.evaluate("document.getElementById('player').currentTime") == pytest.approx(5 * 4.0)


CONTRAST = """(selector) => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = (c) => { const f = (v) => (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
                       return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const backdrop = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                                 if (c.length < 4 || c[3] > 0) { return c; } } return [255, 255, 255]; };
  return Array.from(document.querySelectorAll(selector)).map((el) => {
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(backdrop(el));
    return [el.className || el.tagName, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]; });
}"""


def test_text_and_speaker_badges_reach_wcag_aa_contrast(browser, tmp_path):
    doc = conversation(n=24)
    doc.speakers = [Speaker(id=f"SPEAKER_0{i}") for i in range(10)]  # every colour of the palette
    for i, seg in enumerate(doc.segments):
        seg.speaker = f"SPEAKER_0{i % 10}"
    page = open_page(browser, tmp_path, doc)
    page.locator(".seg .ts").nth(2).click()  # one turn highlighted as playing
    measured = page.evaluate(CONTRAST, "body, .meta span, .summary, .chapters li, .badge, .speakers td, "
                                       ".seg .ts, .seg p, .seg .w, #hits, .stages td")
    assert len(page.locator(".badge").evaluate_all("els => [...new Set(els.map(e => e.style.cssText))]")) == 10
    low = [(cls, round(ratio, 2)) for cls, ratio in measured if ratio < 4.5]
    assert not low, f"below 4.5:1: {low}"


def test_printing_hides_the_controls_and_shows_the_whole_transcript(browser, tmp_path):
    page = open_page(browser, tmp_path, conversation(n=120), width=800)
    page.emulate_media(media="print")
    for control in ("#player", "input#search", "#speaker-filter", ".rename", "#download-json"):
        assert not page.locator(control).first.is_visible(), control
    segs = page.locator(".seg")
    assert segs.count() == 120 and page.locator(".seg:visible").count() == 120
    assert set(segs.evaluate_all("els => els.map(e => getComputedStyle(e).contentVisibility)")) == {"visible"}
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    adjust = page.locator(".badge").evaluate_all("els => els.map(e => getComputedStyle(e).printColorAdjust)")
    assert set(adjust) == {"exact"}, "badges keep their colour on paper (white text on white otherwise)"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3


@pytest.mark.parametrize("width", [1280, 390])
def test_the_timeline_stays_inside_its_column_with_the_playhead_at_the_end(browser, tmp_path, width):
    doc = conversation()  # the last turn ends at 23.8 s
    doc.audio = Audio(path="meeting.wav", duration=23.5)  # Whisper's last segment may end past the audio
    doc.diarization = [SpeakerTurn(start=s.start, end=s.end, speaker=s.speaker) for s in doc.segments]
    page = open_page(browser, tmp_path, doc, width=width)  # while the player's file runs to 30 s
    page.evaluate("() => { const p = document.getElementById('player'); p.currentTime = p.duration; }")
    page.wait_for_function("""() => {  // the seek lands on a later timeupdate: wait for it, not for a first draw
      const head = document.getElementById('playhead').getBoundingClientRect().right;
      return Math.abs(head - document.querySelector('#timeline .lane-track').getBoundingClientRect().right) <= 1;
    }""", timeout=10_000)
    box = page.evaluate("""() => {
      const t = document.getElementById('timeline'), r = t.getBoundingClientRect();
      const column = t.parentElement.getBoundingClientRect();
      const parts = t.querySelectorAll('.lane, .lane > *, #playhead');  // turns are clipped by their track
      const right = Math.max(...[...parts].map((e) => e.getBoundingClientRect().right));
      return {scroll: t.scrollWidth, client: t.clientWidth, right: r.right, column: column.right, inner: right,
              page: document.documentElement.scrollWidth,
              head: document.getElementById('playhead').getBoundingClientRect().right,
              track: t.querySelector('.lane-track').getBoundingClientRect().right};
    }""")
    assert box["head"] == pytest.approx(box["track"], abs=1), "the playhead waits at the track's end"
    assert box["scroll"] <= box["client"] and box["right"] <= box["column"] and box["inner"] <= box["right"] + 0.5, box
    assert box["page"] <= width, box


def test_a_document_with_speaker_names_shows_them_everywhere(browser, tmp_path):
    doc = apply_names(conversation(), {"SPEAKER_00": "Ada", "SPEAKER_01": "Grace"})
    page = open_page(browser, tmp_path, doc)
    for place in ("#summary .points", "#speakers .speakers", "#timeline .lane-name", ".seg"):
        assert set(page.locator(f"{place} .badge, {place}.badge").all_inner_texts()) <= {"Ada", "Grace"}, place
        assert page.locator(f"{place} .badge, {place}.badge").count() > 0, place
    assert page.locator("#speaker-filter option").all_inner_texts() == ["All speakers", "Ada", "Grace"]
    assert "SPEAKER_0" not in page.locator("body").inner_text()
    with page.expect_download() as got:
        page.click("#download-srt")
    assert "[Grace] Thanks, the budget looks tight." in Path(got.value.path()).read_text()
    page.fill('.rename[data-speaker="SPEAKER_00"]', "")  # a cleared rename falls back to the document's name
    assert set(page.locator('.badge[data-speaker="SPEAKER_00"]').all_inner_texts()) == {"Ada"}
