"""Fetching audio from a URL (web page, direct media link or playlist) into a document."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:
    from speechkit.schema import Document

BACKENDS = {
    "yt-dlp": "speechkit.stages.download.ytdlp:YtDlpDownloader",
}
DEFAULT = "yt-dlp"


def is_url(text: str) -> bool:
    parts = urlparse(str(text))
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def url_key(url: str) -> str:
    """A short stable hash of a URL, in file names so that two pages never share one."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]


def items(backend: type, url: str) -> list[Document]:
    """Source-only documents for what ``url`` holds: the backend's playlist expansion when it has
    one (``entries(url)``), else the URL itself as one item."""
    from speechkit.schema import Document, Source

    expand = getattr(backend, "entries", None)
    return expand(url) if expand else [Document(source=Source(kind="url", uri=url))]
