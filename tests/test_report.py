"""The report pages: a self-contained HTML page with a speaker-coloured transcript, and markdown."""

from __future__ import annotations

from html.parser import HTMLParser

from speechkit.report import write_report
from speechkit.report.facts import PALETTE
from speechkit.report.html import report_html
from speechkit.report.markdown import report_markdown
from speechkit.schema import Audio, ChapterSummary, Document, Provenance, Segment, Source, Summary


def meeting() -> Document:
    lines = [
        (6.7, 7.2, "SPEAKER_00", "Hello?"),
        (7.6, 8.2, "SPEAKER_01", "Hello?"),
        (8.4, 9.8, "SPEAKER_00", "Oh, hello. I didn't know you were there."),
        (14.4, 17.8, "SPEAKER_01", "And I'm Sheila in Texas, originally from Chicago."),
        (17.8, 20.1, "SPEAKER_00", "Oh, I'm originally from Chicago also. <script>alert(1)</script> & more"),
        (3725.0, 3727.5, "SPEAKER_01", "Well, there isn't that much difference."),
    ]
    return Document(
        source=Source(kind="url", uri="http://127.0.0.1/page.html", webpage_url="http://127.0.0.1/page.html",
                      title="Diane & Sheila <call>", uploader="pyannote"),
        audio=Audio(path="/tmp/call.m4a", duration=3730.0),
        language="en",
        segments=[Segment(start=a, end=b, speaker=s, text=t) for a, b, s, t in lines],
        summary=Summary(
            overall="And I'm Sheila in Texas, originally from Chicago. Oh, I'm originally from Chicago also.",
            speakers={"SPEAKER_00": ["Oh, I'm originally from Chicago also."],
                      "SPEAKER_01": ["And I'm Sheila in Texas, originally from Chicago."]},
            chapters=[ChapterSummary(start=0.0, end=3600.0, title="Introductions", summary="Where they live."),
                      ChapterSummary(start=3600.0, title="Later", summary="Differences.")],
        ),
        provenance=[Provenance(stage="summarize", backend="transformers", model="tiny", started_at="2026-01-01",
                               wall_time=0.5, notes=["random weights: plumbing only"])],
    )


class Page(HTMLParser):
    """Collects what a browser would fetch, and the colour of each transcript turn."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []
        self.turns: list[str] = []  # the --c colour of each turn
        self.badges: list[tuple[str, str]] = []
        self._badge: str | None = None
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if "src" in attrs or tag in ("link", "img", "iframe", "object", "embed"):  # inline <script> is fine
            self.fetches.append(f"<{tag}>")
        style = attrs.get("style") or ""
        if "seg" in (attrs.get("class") or "").split():
            self.turns.append(style.removeprefix("--c:"))
        if "badge" in (attrs.get("class") or "").split():
            self._badge = style.removeprefix("--c:")

    def handle_data(self, data):
        if self._badge is not None:
            self.badges.append((data, self._badge))
            self._badge = None


def test_html_is_self_contained_and_colours_each_speaker():
    html = report_html(meeting())
    page = Page()
    page.feed(html)
    assert page.fetches == [], "no external (or any) resources"
    assert "url(" not in html and "@import" not in html and "<style>" in html
    colour = dict(page.badges)
    assert colour["SPEAKER_00"] == PALETTE[0] and colour["SPEAKER_01"] == PALETTE[1]
    assert page.turns == [PALETTE[0], PALETTE[1], PALETTE[0], PALETTE[1], PALETTE[0], PALETTE[1]]
    assert set(colour[b] for b, _ in page.badges) == {PALETTE[0], PALETTE[1]}


def test_html_escapes_text_and_shows_summary_chapters_and_timestamps():
    html = report_html(meeting())
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "<title>Diane &amp; Sheila &lt;call&gt;</title>" in html
    assert "And I&#39;m Sheila in Texas, originally from Chicago." in html
    assert '<button class="ts" data-start="6.70">00:00:06</button>' in html
    assert '<button class="ts" data-start="3725.00">01:02:05</button>' in html
    assert '<button class="ts" data-start="3600.00">01:00:00</button> <strong>Later</strong>' in html
    assert "random weights: plumbing only" in html
    assert html.index('id="summary"') < html.index('id="transcript"')


def test_markdown_report_has_summary_speakers_and_stages():
    md = report_markdown(meeting())
    assert md.startswith("# Diane &amp; Sheila &lt;call&gt;\n")  # renders as the title, never as HTML
    assert "## Summary" in md and "### SPEAKER_01\n\n- And I'm Sheila in Texas" in md
    assert "| SPEAKER_00 | 4.2 s | 39% |" in md and "| SPEAKER_01 | 6.5 s | 61% |" in md
    assert "| summarize | transformers | tiny | 0.5 s | random weights: plumbing only |" in md
    assert "- **Source:** http://127.0.0.1/page.html" in md and "- **Duration:** 01:02:10" in md


def test_write_report_writes_each_format_once(tmp_path):
    paths = write_report(meeting(), tmp_path, "call", ["md", "html", "srt", "md", "rttm"])
    assert [p.name for p in paths] == ["call.md", "call.html", "call.srt", "call.rttm"]
    assert "[SPEAKER_01]: And I'm Sheila" in (tmp_path / "call.srt").read_text()
    assert not list(tmp_path.glob(".*")), "no temporary files left behind"


def test_transcript_without_speakers_or_summary_still_renders():
    doc = Document(segments=[Segment(start=0, end=1, text="Just words.")])
    html = report_html(doc)
    assert "Just words." in html and 'id="summary"' not in html and "<title>Transcript</title>" in html
    assert "Just words." in report_markdown(doc)


def test_a_file_without_a_title_is_headed_by_its_name():
    doc = meeting()
    doc.source = Source(uri="/recordings/board-call.m4a")
    assert report_markdown(doc).startswith("# board-call.m4a\n")
    assert "<h1>board-call.m4a</h1>" in report_html(doc)


def test_the_speaker_table_shows_the_documents_speakers_and_times():
    from speechkit.report.facts import speakers
    from speechkit.schema import Speaker, SpeakerTurn

    doc = Document(segments=[Segment(start=0.0, end=16.0, text="hello", speaker="SPEAKER_00")],
                   diarization=[SpeakerTurn(start=0.0, end=40.0, speaker="SPEAKER_00"),
                                SpeakerTurn(start=40.0, end=45.5, speaker="SPEAKER_01")],
                   speakers=[Speaker(id="SPEAKER_00", speech_seconds=40.0, name="Diane"),
                             Speaker(id="SPEAKER_01", speech_seconds=5.5)])
    table = speakers(doc)
    assert [(s.id, s.name, s.seconds) for s in table] == [("SPEAKER_00", "Diane", 40.0), ("SPEAKER_01", "SPEAKER_01", 5.5)]
    assert abs(sum(s.share for s in table) - 1.0) < 1e-9


def test_the_written_page_plays_its_source_relative_to_the_report(tmp_path):
    doc = Document(source=Source(uri=str(tmp_path / "audio" / "call.wav")), segments=[Segment(start=0, end=1, text="Hi.")])
    (page,) = write_report(doc, tmp_path / "out", "call", ["html"])
    assert '<audio id="player" controls preload="metadata" src="../audio/call.wav">' in page.read_text()


def test_the_written_page_carries_the_audio_when_asked(tmp_path, tone_wav):
    doc = Document(source=Source(uri=str(tone_wav)), segments=[Segment(start=0, end=1, text="Hi.")])
    (page,) = write_report(doc, tmp_path / "out", "call", ["html"], embed_audio=True)
    html = page.read_text()
    assert '<audio id="player" controls preload="metadata" src="data:audio/ogg;base64,T2dnUw' in html  # "OggS"
    assert tone_wav.name not in html.split('id="player"')[1].split(">")[0]


def test_named_speakers_show_their_names_in_both_pages():
    from speechkit.schema import Speaker
    from speechkit.speakers.names import apply_names

    doc = meeting()
    doc.speakers = [Speaker(id="SPEAKER_00"), Speaker(id="SPEAKER_01")]
    doc = apply_names(doc, {"SPEAKER_00": "Diane", "SPEAKER_01": "Sheila"})
    page = Page()
    page.feed(report_html(doc))
    assert len(page.badges) == 2 + 2 + 2 + 6 and {b for b, _ in page.badges} == {"Diane", "Sheila"}
    md = report_markdown(doc)
    assert "SPEAKER_0" not in md, "key points, transcript and speaker table all named"
    assert "### Sheila\n\n- And I'm Sheila" in md and "**Diane** `00:00:06`" in md and "| Diane | 4.2 s | 39% |" in md
