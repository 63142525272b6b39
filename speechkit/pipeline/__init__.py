"""The whole chain from a YAML config: stages in order, each one's document saved, reruns resume."""

from speechkit.pipeline.config import PipelineConfig, StageSpec, load_config
from speechkit.pipeline.runner import run_pipeline

__all__ = ["PipelineConfig", "StageSpec", "load_config", "run_pipeline"]
