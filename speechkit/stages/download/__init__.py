"""Downloaders: audio and metadata from a URL (web page, direct media link or playlist).

URLs are resolved into documents by :mod:`speechkit.inputs.urls`; the backends live here.
"""

BACKENDS = {
    "yt-dlp": "speechkit.stages.download.ytdlp:YtDlpDownloader",
}
DEFAULT = "yt-dlp"
