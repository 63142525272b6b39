"""yt-dlp downloads: audio extracted with the ffmpeg binary imageio-ffmpeg ships, metadata kept.

Files are named ``<title>-<id>-<url hash>.<ext>``, sanitized as yt-dlp's ``restrictfilenames`` does
(ASCII, no spaces, no separators) and checked to land inside the output directory, so a title cannot
escape it, and two pages whose media share an id do not overwrite each other. A finished download is
skipped when its ``.info.json`` matches what the page offers now; an interrupted one resumes from
yt-dlp's ``.part`` file (HTTP Range requests).
"""

from __future__ import annotations

import json
import re
import time
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

import av
from pydantic import Field

from speechkit.media.audio import probe
from speechkit.inputs.urls import is_url, url_key
from speechkit.errors import DownloadError
from speechkit.schema import Chapter, Document, Source
from speechkit.stages.base import Backend, BackendOptions
from speechkit.stages.download.guard import TransferGuard
from speechkit.stages.run import Run

ABANDONED_SECONDS = 7 * 24 * 3600
"""A partial download untouched this long is taken as abandoned: the next download in its folder removes it."""
MATCH_KEYS = ("id", "extractor_key", "webpage_url", "url", "duration", "filesize")
"""What must be unchanged for an earlier download to count as this one."""

KEPT_METADATA = ("id", "extractor", "upload_date", "description", "channel", "view_count", "playlist_title",
                 "playlist_index", "playlist_count", "ext", "abr", "acodec")


class _Quiet:
    """yt-dlp's logger: nothing on the terminal; its errors reach us as exceptions, made one line by :func:`explain`."""

    def debug(self, msg: str) -> None: ...
    def info(self, msg: str) -> None: ...
    def warning(self, msg: str) -> None: ...
    def error(self, msg: str) -> None: ...


_PROBLEMS = (
    (r"is not a valid URL", "not a valid URL"),
    (r"Unsupported URL", "unsupported URL: no audio or video found there"),
    (r"HTTP Error (404|410)", "not found (HTTP {0}): the media was removed or the URL is wrong"),
    (r"HTTP Error (401|403)", "access denied (HTTP {0}): the media is private or restricted"),
    (r"No connection adapters were found for '([^']*)'", "redirected to {0}: only http:// and https:// are fetched"),
    (r"[Pp]rivate video|members.only|[Ss]ign in to confirm", "private media: it needs an account that may see it"),
    (r"[Vv]ideo unavailable|has been removed|no longer available", "unavailable: the media was removed"),
    (r"more expected|IncompleteRead|Connection reset|Connection aborted",
     "the transfer broke off; run again to resume where it stopped"),
    (r"Connection refused", "no network: connection refused"),
    (r"Name or service not known|Failed to resolve|getaddrinfo failed|Temporary failure in name resolution",
     "no network: the host name cannot be resolved"),
    (r"timed out|Network is unreachable|No route to host", "no network: the host cannot be reached"),
    (r"HTTP Error (\d+)", "the server answered HTTP {0}"),
)


def explain(url: str, message: str) -> DownloadError:
    """One line naming the URL and the problem, from yt-dlp's (long) error text."""
    for pattern, problem in _PROBLEMS:
        found = re.search(pattern, message)
        if found:
            return DownloadError(f"{url}: {problem.format(*found.groups())}")
    detail = re.sub(r"^ERROR:\s*|\s*\(caused by .*$", "", " ".join(message.split()))
    return DownloadError(f"{url}: download failed ({detail})")


def _failures() -> tuple[type[Exception], ...]:
    """What yt-dlp raises for a failed item: its DownloadError, and a bare RequestError where its
    networking refuses a request outright (a redirect to ``file://``)."""
    import yt_dlp
    from yt_dlp.networking.exceptions import RequestError

    return yt_dlp.utils.DownloadError, RequestError


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def file_stem(info: dict[str, Any], url: str) -> str:
    """``<title>-<id>-<url hash>``: ASCII, no separators, no leading dot (no hidden files), bounded length."""
    from yt_dlp.utils import sanitize_filename

    def clean(value: Any, default: str, size: int) -> str:
        return sanitize_filename(str(value or default), restricted=True)[:size].strip("._-") or default

    return f"{clean(info.get('title'), 'media', 60)}-{clean(info.get('id'), 'item', 40)}-{url_key(url)}"


def _options(output_dir: Path, audio_format: str) -> dict[str, Any]:
    return {
        "logger": _Quiet(),
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "restrictfilenames": True,
        "paths": {"home": str(output_dir)},
        "format": "bestaudio/best",
        "continuedl": True,
        "nopart": False,
        "overwrites": False,
        "writeinfojson": True,
        "ffmpeg_location": _ffmpeg(),
        "postprocessors": [{"key": "FFmpegExtractAudio", "preferredcodec": audio_format}],
        "socket_timeout": 20,
    }


def _extract(url: str, options: dict[str, Any]) -> dict[str, Any]:
    import yt_dlp

    if not is_url(url):
        raise DownloadError(f"{url}: not a valid URL (expected http:// or https://)")
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=False)
            return ydl.sanitize_info(info)
    except _failures() as exc:
        raise explain(url, str(exc)) from None


def list_entries(url: str) -> list[Document]:
    """One source-only document per media item at ``url`` (several for a playlist), nothing downloaded."""
    info = _extract(url, {"logger": _Quiet(), "quiet": True, "no_warnings": True})
    entries = [e for e in info.get("entries") or [] if e] if info.get("_type") == "playlist" else [info]
    if not entries:
        raise DownloadError(f"{url}: the playlist is empty")
    docs = []
    for index, entry in enumerate(entries, start=1):
        metadata = {"playlist_index": index, "playlist_count": len(entries), "playlist_title": info.get("title")}
        docs.append(Document(source=Source(kind="url", uri=url, title=entry.get("title"),
                                           metadata=metadata if len(entries) > 1 else {})))
    return docs


def _info_path(media: Path) -> Path:
    return media.with_suffix(".info.json")


def _matches(media: Path, info: dict[str, Any]) -> bool:
    """Whether ``media`` is a finished download of exactly this item."""
    sidecar = _info_path(media)
    if not (media.is_file() and media.stat().st_size > 0 and sidecar.is_file()):
        return False
    try:
        saved = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return all(saved.get(k) == info.get(k) for k in MATCH_KEYS)


def drop_abandoned(folder: Path, keep: str) -> list[Path]:
    """Remove yt-dlp's ``.part``/``.ytdl`` leftovers older than :data:`ABANDONED_SECONDS`, except ``keep``'s.

    A killed download keeps its partial file so that a rerun resumes it; one nobody reran would
    otherwise stay forever.
    """
    now, dropped = time.time(), []
    for path in sorted([*folder.glob("*.part"), *folder.glob("*.ytdl")]):
        if not path.name.startswith(f"{keep}.") and now - path.stat().st_mtime > ABANDONED_SECONDS:
            path.unlink(missing_ok=True)
            dropped.append(path)
    return dropped


def _inside(path: Path, directory: Path) -> Path:
    """Refuse any file name that would land outside the output directory."""
    resolved = path.resolve()
    if resolved.parent != directory.resolve():
        raise DownloadError(f"{path}: refusing a download path outside {directory}")
    return resolved


def _media_tags(path: Path) -> tuple[dict[str, str], list[Chapter]]:
    """Tags and chapters stored in the media file itself, for pages whose metadata has none."""
    with av.open(str(path), metadata_errors="ignore") as container:
        chapters = [Chapter(start=round(float(c["start"] * c["time_base"]), 3),
                            end=round(float(c["end"] * c["time_base"]), 3),
                            title=c["metadata"].get("title") or f"Chapter {i}")
                    for i, c in enumerate(container.chapters(), start=1)]
        return {k.lower(): v for k, v in container.metadata.items()}, chapters


def _source(url: str, info: dict[str, Any], media: Path) -> Source:
    """yt-dlp's metadata first; the file's own tags where a plain page gave only a file name."""
    tags, media_chapters = _media_tags(media)
    chapters = [Chapter(start=float(c.get("start_time") or 0.0), end=c.get("end_time"),
                        title=str(c.get("title") or f"Chapter {i}"))
                for i, c in enumerate(info.get("chapters") or [], start=1)]
    title = info.get("title")
    if tags.get("title") and title in (None, info.get("id")):
        title = tags["title"]
    return Source(
        kind="url",
        uri=url,
        title=title,
        uploader=info.get("uploader") or info.get("channel") or tags.get("artist"),
        duration=info.get("duration"),
        webpage_url=info.get("webpage_url") or url,
        chapters=chapters or media_chapters,
        metadata={k: info[k] for k in KEPT_METADATA if info.get(k) is not None}
        | {"media_url": info.get("url"), "file": media.name},
    )


class YtDlpDownloader(Backend):
    """Any page yt-dlp understands (1,800+ sites, plain pages with <audio>/<video>, direct links)."""

    stage = "download"
    name = "yt-dlp"
    libraries = ("yt-dlp", "imageio-ffmpeg")

    class Options(BackendOptions):
        output_dir: Path = Field(Path("."), exclude=True, description="where the media files go")
        audio_format: str = Field("best", description="best (no re-encoding where possible), m4a, mp3, opus, wav, flac")
        stall_timeout: float = Field(60.0, gt=0, description="seconds without progress before a transfer is given up")
        max_size: int = Field(8 << 30, gt=0, description="bytes one item may take at most (default 8 GiB)")

    @property
    def output_dir(self) -> Path:
        return self.options.output_dir

    @staticmethod
    def entries(url: str) -> list[Document]:
        """One source-only document per item at ``url``; each is then downloaded on its own."""
        return list_entries(url)

    def process(self, doc: Document, run: Run) -> Document:
        if doc.source is None:
            raise DownloadError("the document has no source URL to download")
        url = doc.source.uri
        options = _options(self.output_dir, self.options.audio_format)
        index = doc.source.metadata.get("playlist_index")
        if index is not None:
            options["playlist_items"] = str(index)
        guard = TransferGuard(url, self.options.stall_timeout, self.options.max_size)
        info = guard.run(lambda: _extract(url, options | {"writeinfojson": False, "postprocessors": []}))
        if info.get("_type") == "playlist":
            entries = [e for e in info.get("entries") or [] if e]
            if len(entries) != 1:
                raise DownloadError(f"{url}: a playlist of {len(entries)} items; download them one by one "
                                    "(speechkit download URL does so)")
            info = entries[0]
        media = self._fetch(url, info, options, run, guard)
        doc.source = _source(url, info, media)
        doc.audio = probe(media)
        if doc.source.duration is None:
            doc.source.duration = doc.audio.duration
        return doc

    def _fetch(self, url: str, info: dict[str, Any], options: dict[str, Any], run: Run, guard: TransferGuard) -> Path:
        import yt_dlp

        self.output_dir.mkdir(parents=True, exist_ok=True)
        stem = file_stem(info, url)
        _inside(self.output_dir / stem, self.output_dir)
        dropped = drop_abandoned(self.output_dir, keep=stem)
        if dropped:
            run.notes.append(f"removed {len(dropped)} abandoned partial download(s), untouched for 7 days: "
                             + ", ".join(p.name for p in dropped))
        for existing in sorted(self.output_dir.glob(f"{stem}.*")):
            if existing.suffix not in (".json", ".part", ".ytdl") and _matches(existing, info):
                run.notes.append("already downloaded: skipped")
                return existing
        options = options | {"outtmpl": {"default": stem.replace("%", "%%") + ".%(ext)s"}}
        step = f"download {info.get('title') or url}"[:60]

        def transfer() -> dict[str, Any]:
            with yt_dlp.YoutubeDL(options) as ydl:
                ydl.add_progress_hook(guard.hook)
                ydl.add_progress_hook(lambda status: run.progress(
                    step, status.get("downloaded_bytes") or 0, status.get("total_bytes") or status.get("total_bytes_estimate")))
                try:
                    return ydl.process_ie_result(dict(info), download=True)
                except _failures() as exc:
                    raise explain(url, str(exc)) from None

        try:
            done = guard.run(transfer)
        except DownloadError:
            if guard.too_big:  # an oversized item is never resumed: its partial file and sidecar go
                for part in [*self.output_dir.glob(f"{glob_escape(stem)}.*.part"), self.output_dir / f"{stem}.info.json"]:
                    part.unlink(missing_ok=True)
            raise
        return _inside(Path(done["requested_downloads"][0]["filepath"]), self.output_dir)
