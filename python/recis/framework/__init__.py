"""recis.framework: the Trainer (trainer.py), checkpoints (checkpoint_manager.py) and the metrics
a model reports (metrics.py)."""

from recis.framework.trainer import Trainer, TrainingArguments

__all__ = ["Trainer", "TrainingArguments"]
