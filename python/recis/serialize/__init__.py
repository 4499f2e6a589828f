from recis.serialize.checkpoint_reader import CheckpointReader
from recis.serialize.loader import Loader
from recis.serialize.saver import Saver

__all__ = ["Saver", "Loader", "CheckpointReader"]
