"""How much of a stage's wall time went on loading its model: measured where the model cache loads it,
recorded in the provenance, and shown beside the RTF (pipeline log, batch summary, report)."""

from __future__ import annotations

import time

import pytest

import speechkit
from speechkit.batch.job import InputResult
from speechkit.batch.summary import markdown, totals
from speechkit.models import cache
from speechkit.models.cache import Loaded
from speechkit.pipeline.runner import _timing
from speechkit.report.facts import stage_rows
from speechkit.schema import Audio, Document, Provenance
from speechkit.stages.base import Backend
from speechkit.stages.run import Run

LOAD_SECONDS = 0.2
WORK_SECONDS = 0.1


class TwoModels(Backend):
    """Loads two models (one per ``args``), each taking LOAD_SECONDS, then works WORK_SECONDS."""

    stage = "transcribe"
    name = "two-models"

    def load(self, which: str) -> Loaded:
        time.sleep(LOAD_SECONDS)
        return Loaded(which)

    def process(self, doc: Document, run: Run) -> Document:
        self.loaded_model(run, "encoder")
        self.loaded_model(run, "decoder")
        time.sleep(WORK_SECONDS)
        return doc


class NoModel(Backend):
    stage = "align"
    name = "no-model"

    def process(self, doc: Document, run: Run) -> Document:
        return doc


@pytest.fixture
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def audio_doc(seconds: float = 10.0) -> Document:
    return Document(audio=Audio(path="/nowhere.wav", duration=seconds))


def test_a_fresh_load_is_timed_and_summed_over_models_and_a_cached_one_is_zero(clean_cache):
    backend = TwoModels()
    first = backend(audio_doc()).provenance[-1]
    assert 2 * LOAD_SECONDS <= first.load_time < first.wall_time, first
    assert first.wall_time - first.load_time >= WORK_SECONDS
    assert first.processing_time == pytest.approx(first.wall_time - first.load_time)
    assert first.processing_rtf == pytest.approx(first.processing_time / 10.0, abs=2e-4)
    assert first.real_time_factor == pytest.approx(first.wall_time / 10.0, abs=1e-4), "the RTF still counts loading"
    second = TwoModels()(audio_doc()).provenance[-1]  # another instance, the same process: the cache has both
    assert second.load_time == 0.0 and second.processing_rtf == second.real_time_factor
    assert NoModel()(audio_doc()).provenance[-1].load_time == 0.0


def test_a_preload_takes_the_loading_out_of_the_next_run(clean_cache):
    backend = TwoModels()
    run = Run()
    backend.loaded_model(run, "encoder")
    assert run.load_time >= LOAD_SECONDS
    record = backend(audio_doc()).provenance[-1]
    assert LOAD_SECONDS <= record.load_time < 2 * LOAD_SECONDS, "only the decoder was still to load"


def test_the_pipeline_log_says_how_much_was_loading():
    def doc(load: float | None) -> Document:
        record = Provenance(stage="diarize", backend="pyannote", started_at="now", wall_time=57.0,
                            real_time_factor=0.19, load_time=load)
        return Document(provenance=[record])

    assert _timing(doc(16.0), "diarize") == " (RTF 0.19; 16.0 s loading the model, RTF 0.137 without it)"
    assert _timing(doc(0.0), "diarize") == " (RTF 0.19)"
    assert _timing(doc(None), "diarize") == " (RTF 0.19)", "a record from before schema 1.2"
    assert _timing(doc(16.0), "transcribe") == "", "not this stage's record"
    assert stage_rows(doc(16.0))[0][3] == "57.0 s (16.0 s loading the model)"
    assert stage_rows(doc(0.0))[0][3] == "57.0 s"


def test_the_batch_summary_shows_the_processing_rtf_beside_the_rtf():
    first = InputResult("a.flac", "done", 57.0, 300.0, ["diarize"], load_time=16.5)
    later = InputResult("b.flac", "done", 40.5, 300.0, ["diarize"], load_time=0.0)
    failed = InputResult("c.flac", "failed", 0.1, error="bad")
    rows = [r.as_dict() for r in (first, later, failed)]
    assert (rows[0]["real_time_factor"], rows[0]["rtf_processing"]) == (0.19, 0.135)
    assert (rows[1]["real_time_factor"], rows[1]["rtf_processing"]) == (0.135, 0.135)
    assert rows[2]["rtf_processing"] is None and rows[2]["load_time"] is None
    data = {"engine": "local", "workers": 1, "totals": totals([first, later, failed], 100.0), "inputs": rows}
    assert data["totals"]["load_time"] == 16.5
    table = markdown(data)
    assert "| input | status | wall (s) | loading (s) | audio (s) | RTF | processing RTF | error |" in table
    assert "| a.flac | done | 57.00 | 16.5 | 300 | 0.19 | 0.135 |  |" in table
    assert "| c.flac | failed | 0.10 |  |  |  |  | bad |" in table


@pytest.mark.slow
def test_a_real_transcription_twice_in_one_process_loads_once(clean_cache, data_dir):
    """The packaged tiny.en: the first run's wall time holds its load, the second's none."""
    first = speechkit.transcribe(data_dir / "jfk.flac").provenance[-1]
    second = speechkit.transcribe(data_dir / "jfk.flac").provenance[-1]
    assert 0 < first.load_time < first.wall_time, first
    assert second.load_time == 0.0, second
    assert first.processing_rtf < first.real_time_factor and second.processing_rtf == second.real_time_factor
    assert first.model == second.model == "tiny.en"
