from recis.io.orc_dataset import OrcDataset

__all__ = ["OrcDataset"]
