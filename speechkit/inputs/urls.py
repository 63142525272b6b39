"""URLs as inputs, beside :mod:`speechkit.inputs.documents` for files: a page, direct link or playlist becomes
media files and one source document per item.

A download is not a stage of the document's processing but the way a URL becomes documents (one
URL may give several); the CLI, the pipeline runner and the Python API all resolve URLs here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from speechkit.schema import Document, Source
from speechkit.stages.base import Backend
from speechkit.stages.run import Hook


def is_url(text: str | Path) -> bool:
    parts = urlparse(str(text))
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def url_key(url: str) -> str:
    """A short stable hash of a URL, in file names so that two pages never share one."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]


def entries(downloader: Backend, url: str) -> list[Document]:
    """Source-only documents for what ``url`` holds: the downloader's playlist expansion when it has
    one (``entries(url)``), else the URL itself as one item."""
    expand = getattr(downloader, "entries", None)
    return expand(url) if expand else [Document(source=Source(kind="url", uri=url))]


def download(url: str, output_dir: str | Path = ".", backend: str | None = None, hook: Hook | None = None,
             **options: Any) -> Iterator[Document]:
    """Download the items at ``url`` into ``output_dir`` one by one, yielding each one's document (source
    metadata, audio) as it is done; options are checked before anything is fetched."""
    from speechkit.api import load

    downloader = load("download", backend, output_dir=output_dir, **options)
    for entry in entries(downloader, url):
        yield downloader(entry, hook=hook)
