"""A local web site for download tests (no internet here): real media on 127.0.0.1, a random port.

The mp4 files carry ../shared/data/sample.wav (a real two-speaker call) under a black video, made with
the ffmpeg binary imageio-ffmpeg ships. The server honours Range requests (so resumed downloads can
be seen), answers 403 for ``private/`` paths, and breaks off every whole-file transfer of ``flaky.mp4``
halfway, so only a download that resumes with a Range request can finish it. ``trickle.mp4`` sends a
byte every 0.2 s (a stalled server), ``endless.mp4`` a body that never ends, and ``to-file.mp4``
redirects to a local ``file://`` path (which a downloader must refuse).
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import imageio_ffmpeg

CHAPTERS = """;FFMETADATA1
title=Two callers
artist=Pyannote sample
[CHAPTER]
TIMEBASE=1/1000
START=0
END=14000
title=Greetings
[CHAPTER]
TIMEBASE=1/1000
START=14000
END=30000
title=Chicago
"""


def make_mp4(audio: Path, target: Path, metadata: str | None = None) -> Path:
    """``audio`` under a small black video; ``metadata`` (FFMETADATA) adds tags and chapters."""
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
           "-f", "lavfi", "-i", "color=c=black:s=64x64:r=5", "-i", str(audio)]
    if metadata is not None:
        meta = target.with_suffix(".ffmeta")
        meta.write_text(metadata)
        cmd += ["-i", str(meta), "-map", "0:v", "-map", "1:a", "-map_metadata", "2", "-map_chapters", "2"]
    cmd += ["-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "64k", str(target)]
    subprocess.run(cmd, check=True)
    return target


def page(title: str, *media: str) -> str:
    tags = "".join(f'<video src="{m}" controls></video>' for m in media)
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>{tags}</body></html>"


def build_site(root: Path, audio: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    make_mp4(audio, root / "talk.mp4")
    make_mp4(audio, root / "chaptered.mp4", CHAPTERS)
    for name in ("talk2.mp4", "flaky.mp4"):
        (root / name).write_bytes((root / "talk.mp4").read_bytes())
    (root / "private").mkdir(exist_ok=True)
    (root / "private" / "talk.mp4").write_bytes(b"never served")
    (root / "page.html").write_text(page("Diane and Sheila", "talk.mp4"))
    (root / "evil.html").write_text(page("../../../tmp/evil", "talk2.mp4").replace(
        "<title>", '<meta property="og:title" content="../../../../etc/passwd"><title>'))
    (root / "playlist.html").write_text(page("Two talks", "talk.mp4", "talk2.mp4"))
    (root / "nomedia.html").write_text(page("Nothing to see"))
    return root


@dataclass
class Site:
    root: Path
    port: int
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    """(path, Range header) of every GET, in order."""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"


class _Handler(SimpleHTTPRequestHandler):
    site: Site
    cut: set[str]

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def stream_forever(self, trickle: bool) -> None:
        """A body that never ends: one byte every 0.2 s (a stalled server), or zeros as fast as they go."""
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        if trickle:
            self.send_header("Content-Length", str(10 << 20))
        self.end_headers()
        try:
            while True:
                self.wfile.write(b"\0" if trickle else bytes(64 << 10))
                self.wfile.flush()
                if trickle:
                    time.sleep(0.2)
        except OSError:  # the client gave up
            return

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.site.requests.append((self.path, self.headers.get("Range")))
        if self.path.startswith("/private/"):
            self.send_error(403, "Private")
            return
        if self.path == "/to-file.mp4":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if self.path in ("/trickle.mp4", "/endless.mp4"):
            self.stream_forever(trickle=self.path == "/trickle.mp4")
            return
        file = self.site.root / self.path.lstrip("/").split("?")[0]
        wanted = re.match(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if not file.is_file() or not (wanted or self.path in self.cut):
            super().do_GET()
            return
        data = file.read_bytes()
        start = int(wanted.group(1)) if wanted else 0
        self.send_response(206 if wanted else 200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(data) - start))
        if wanted:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if self.path in self.cut and not wanted:  # every whole-file transfer breaks off halfway
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data[start:])


def serve(root: Path, cut: tuple[str, ...] = ("/flaky.mp4",)) -> tuple[ThreadingHTTPServer, Site]:
    site = Site(root=root, port=0)
    handler = type("Handler", (_Handler,), {"site": site, "cut": set(cut)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    site.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, site
