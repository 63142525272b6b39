"""faster-whisper (CTranslate2) transcription, batched over VAD chunks: the fast default on CPU."""

from __future__ import annotations

from typing import Any

from speechkit.models.resolve import resolve_whisper
from speechkit.progress import progress_bar
from speechkit.schema import Document
from speechkit.stages.base import Backend
from speechkit.stages.transcribe.common import document_audio, make_segment, silent


class FasterWhisperTranscriber(Backend):
    stage = "transcribe"
    name = "faster-whisper"
    libraries = ("faster-whisper", "ctranslate2")

    def __init__(self, model: str | None = "tiny.en", language: str | None = None, device: str = "cpu",
                 compute_type: str = "int8", batch_size: int = 8, beam_size: int = 5,
                 word_timestamps: bool = True, threads: int = 0, **options: Any) -> None:
        super().__init__(model=model, language=language, device=device, compute_type=compute_type,
                         batch_size=batch_size, beam_size=beam_size, word_timestamps=word_timestamps, **options)

    def load(self) -> Any:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        resolved = resolve_whisper(self.model or "tiny.en")
        self.model_path = str(resolved.path)
        model = WhisperModel(str(resolved.path), device=self.options["device"],
                             compute_type=self.options["compute_type"], cpu_threads=self.options.get("threads", 0))
        return BatchedInferencePipeline(model) if self.options["batch_size"] > 1 else model

    def process(self, doc: Document) -> Document:
        samples = document_audio(doc)
        if silent(samples):
            self.notes.append("audio is silent: nothing decoded")
            doc.segments = []
            return doc
        model = self.load()
        kwargs: dict[str, Any] = dict(language=self.options["language"], beam_size=self.options["beam_size"],
                                      word_timestamps=self.options["word_timestamps"], vad_filter=True)
        if self.options["batch_size"] > 1:
            kwargs["batch_size"] = self.options["batch_size"]
        segments, info = model.transcribe(samples, **kwargs)
        doc.language = info.language
        doc.language_probability = round(float(info.language_probability), 4)
        duration = len(samples) / 16000
        doc.segments = []
        with progress_bar() as bar:
            task = bar.add_task(f"transcribe {self.model}", total=round(duration, 1))
            for seg in segments:
                words = [{"word": w.word, "start": w.start, "end": w.end, "score": w.probability}
                         for w in seg.words or []]
                doc.segments.append(make_segment(seg.start, seg.end, seg.text, words,
                                                 avg_logprob=round(seg.avg_logprob, 4),
                                                 no_speech_prob=round(seg.no_speech_prob, 4)))
                bar.update(task, completed=min(seg.end, duration))
            bar.update(task, completed=round(duration, 1))
        return doc
