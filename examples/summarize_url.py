"""Summarize a video or podcast from its URL: download, transcribe, label speakers, summarize, report.

    .venv/bin/python examples/summarize_url.py https://www.youtube.com/watch?v=...   [--output-dir DIR]
    .venv/bin/python examples/summarize_url.py            # offline demo: a local page with a real call

With no URL, pyannote's two-speaker sample call is put on a web page served from 127.0.0.1, so the
whole chain (yt-dlp included) runs without internet. Same as
``speechkit run configs/youtube-summary.yaml --input URL``.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from speechkit.pipeline import load_config, run_pipeline
from speechkit.pipeline.sample import default_input

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "youtube-summary.yaml"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def local_page(root: Path) -> tuple[ThreadingHTTPServer, str]:
    """A page with an <audio> element, like a podcast's, served on a free port of 127.0.0.1."""
    (root / "call.wav").symlink_to(default_input())
    (root / "call.html").write_text("<html><head><title>A call between Diane and Sheila</title></head>"
                                    '<body><audio src="call.wav" controls></audio></body></html>')
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/call.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="page or media URL (default: a local demo page)")
    parser.add_argument("--output-dir", type=Path, default=Path(tempfile.gettempdir()) / "speechkit-examples" / "url")
    args = parser.parse_args()
    server = None
    with tempfile.TemporaryDirectory() as site:
        if args.url is None:
            server, args.url = local_page(Path(site))
        try:
            run = run_pipeline(load_config(CONFIG), args.url, args.output_dir)
        finally:
            if server is not None:
                server.shutdown()
    for job in run.jobs:
        summary = job.document.summary
        print(f"\n{job.document.source.title}\n\n{summary.overall}\n")
        for speaker, points in summary.speakers.items():
            print(f"{speaker}:\n" + "".join(f"  - {p}\n" for p in points))
        print("\n".join(str(p) for p in job.reports))


if __name__ == "__main__":
    main()
