"""Shared fixtures: the real recordings in ../shared/data and small generated audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country.")
STEREO_LEFT_TEXT = ("He began a confused complaint against the wizard, "
                    "who had vanished behind the curtain on the left.")
STEREO_RIGHT_TEXT = "The horizon seems extremely distant."


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (DATA / "jfk.flac").is_file():
        pytest.fail(f"real test data missing: {DATA} (the project expects ../shared/data beside the checkout)")
    return DATA


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the user's model cache (joined base weights) but never write results into the repo."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # progress lines in a log come every 10 s, so how many a failing command prints before its one-line error
    # depends on the machine's speed: tests read only the end lines (tests of the lines set their own interval)
    os.environ.setdefault("SPEECHKIT_PROGRESS_INTERVAL", "3600")


@pytest.fixture
def tone_wav(tmp_path: Path) -> Path:
    """Two seconds of a 440 Hz tone at 16 kHz: audible, not speech."""
    t = np.arange(32000) / 16000
    path = tmp_path / "tone.wav"
    sf.write(path, 0.3 * np.sin(2 * np.pi * 440 * t), 16000)
    return path


@pytest.fixture
def silence_wav(tmp_path: Path) -> Path:
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(16000 * 3, dtype=np.float32), 16000)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, data_dir: Path):
    """The local media site (tests/media_site.py) on 127.0.0.1, one per test module."""
    from tests.media_site import build_site, serve

    server, site = serve(build_site(tmp_path_factory.mktemp("site"), data_dir / "sample.wav"))
    yield site
    server.shutdown()
