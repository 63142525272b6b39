"""Many inputs: files, globs, directories, @lists and URLs expand before any work, each once."""

from pathlib import Path

import pytest

from speechkit.inputs.expand import InputsError, expand_inputs


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "talks" / "day2").mkdir(parents=True)
    for name in ("talks/a.wav", "talks/b.FLAC", "talks/day2/c.mp4", "talks/notes.txt", "talks/.hidden.wav",
                 "talks/a.transcribe.json"):
        (tmp_path / name).write_bytes(b"x")
    return tmp_path


def test_a_directory_gives_its_media_and_documents_recursively_sorted(tree: Path) -> None:
    got = expand_inputs([tree / "talks"])
    assert [Path(p).relative_to(tree).as_posix() for p in got] == [
        "talks/a.transcribe.json", "talks/a.wav", "talks/b.FLAC", "talks/day2/c.mp4"]
    assert all(not p.endswith(".json") for p in expand_inputs([tree / "talks"], documents=False))


def test_globs_lists_and_urls_expand_in_order_each_once(tree: Path) -> None:
    listing = tree / "talks" / "list.txt"
    listing.write_text("# my talks\nday2/c.mp4\n\nhttps://example.org/v?id=1\n" f"{tree / 'talks/a.wav'}\n")
    got = expand_inputs([str(tree / "talks" / "*.wav"), f"@{listing}", str(tree / "talks/a.wav")])
    assert got == [str(tree / "talks/a.wav"), str(tree / "talks/day2/c.mp4"), "https://example.org/v?id=1"]


def test_an_explicit_file_is_taken_whatever_its_suffix(tree: Path) -> None:
    assert expand_inputs([tree / "talks/notes.txt"]) == [str(tree / "talks/notes.txt")]


@pytest.mark.parametrize("argument, message", [
    ("missing.wav", "missing.wav: no such file"),
    ("*.ogg", "*.ogg: no file matches this pattern"),
    ("@nolist.txt", "@nolist.txt: cannot read the input list"),
    ("empty", "empty: the directory holds no audio, video or documents"),
])
def test_an_input_naming_nothing_is_a_one_line_error(tree: Path, monkeypatch: pytest.MonkeyPatch,
                                                     argument: str, message: str) -> None:
    monkeypatch.chdir(tree)
    (tree / "empty").mkdir()
    with pytest.raises(InputsError, match="^" + message.replace("*", r"\*").replace(".", r"\.")):
        expand_inputs([argument])


def test_a_folder_of_documents_only_gives_batch_no_inputs(tree: Path) -> None:
    (tree / "docs").mkdir()
    (tree / "docs" / "talk.transcribe.json").write_text("{}")
    assert expand_inputs([tree / "docs"]) == [str(tree / "docs" / "talk.transcribe.json")]
    with pytest.raises(InputsError, match="docs: the directory holds no audio or video files$"):
        expand_inputs([tree / "docs"], documents=False)


def test_a_list_that_includes_itself_is_refused(tree: Path) -> None:
    (tree / "loop.txt").write_text("@loop.txt\n")
    with pytest.raises(InputsError, match="includes itself"):
        expand_inputs([f"@{tree / 'loop.txt'}"])
