"""English then German (multilingual.mp3): per-segment languages, and translation of both halves."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SPEECHKIT = [sys.executable, "-m", "speechkit"]
GERMAN = {"der", "die", "und", "software", "zu"}
ENGLISH = {"the", "software", "and", "to", "of"}


def words(text: str) -> set[str]:
    return {w.strip(".,;:").lower() for w in text.split()}


def transcribe(data_dir, tmp_path, *flags: str) -> dict:
    out = tmp_path / "out.json"
    subprocess.run([*SPEECHKIT, "-q", "transcribe", str(data_dir / "multilingual.mp3"), *flags, "-o", str(out)],
                   check=True, capture_output=True, timeout=600, env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})
    return json.loads(out.read_text())


def halves(doc: dict) -> tuple[list[dict], list[dict]]:
    return [s for s in doc["segments"] if s["start"] < 30], [s for s in doc["segments"] if s["start"] >= 30]


@pytest.mark.slow
def test_multilingual_labels_each_segment_and_keeps_the_german(data_dir, tmp_path):
    english, german = halves(transcribe(data_dir, tmp_path, "--model", "base", "--multilingual"))
    assert english and german
    assert {s["language"] for s in english} == {"en"} and {s["language"] for s in german} == {"de"}
    assert len(words(" ".join(s["text"] for s in german)) & GERMAN) >= 3, german


@pytest.mark.slow
def test_translate_gives_english_for_both_halves(data_dir, tmp_path):
    doc = transcribe(data_dir, tmp_path, "--task", "translate")
    assert doc["provenance"][-1]["model"] == "base", "translation picks the multilingual default"
    for half in halves(doc):
        text = words(" ".join(s["text"] for s in half))
        assert len(text & ENGLISH) >= 3 and not text & {"der", "die", "und"}, half


@pytest.mark.slow
def test_an_english_only_model_warns_on_german_and_not_on_english(data_dir):
    import speechkit

    stage = speechkit.load("transcribe", model="tiny.en", language_check=True)
    german = stage(speechkit.read(data_dir / "multilingual.mp3")).provenance[-1].notes
    english = stage(speechkit.read(data_dir / "jfk.flac")).provenance[-1].notes
    assert [n for n in german if n.startswith("English-only model tiny.en heard de")], german
    assert not [n for n in english if "English-only" in n], english
    unchecked = speechkit.load("transcribe", model="tiny.en")  # off by default outside the CLI
    assert not [n for n in unchecked(speechkit.read(data_dir / "multilingual.mp3")).provenance[-1].notes
                if "English-only" in n]
