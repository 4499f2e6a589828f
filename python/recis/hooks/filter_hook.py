"""recis.hooks.HashTableFilterHook: evicts, every `filter_interval` global steps, the rows that
each table's policies mark — FilterHook("GlobalStepFilter", {"filter_step": n}): rows not looked
up for n steps; a capacity: the least recently used rows beyond it — in every live
EmbeddingEngine (as RecIS's hook acts on every registered filter)."""

from recis.hooks.hook import Hook
from recis.utils.logger import Logger

logger = Logger(__name__)


class HashTableFilterHook(Hook):
    def __init__(self, filter_interval=100):
        self.reset_filter_interval(filter_interval)
        self._last_filter_step = None

    def reset_filter_interval(self, filter_interval):
        if filter_interval < 1:
            raise ValueError(f"HashTableFilterHook: filter_interval must be >= 1, "
                             f"got {filter_interval}")
        self._interval = int(filter_interval)

    def after_step(self, metrics=None, global_step=0):
        from recis.nn.modules.embedding_engine import live_engines

        step = int(global_step)
        if self._last_filter_step is None:
            self._last_filter_step = step
        if step - self._last_filter_step < self._interval:
            return
        self._last_filter_step = step
        by_ttl = by_capacity = 0
        for engine in live_engines():
            ttl, capacity = engine.evict()
            by_ttl += ttl
            by_capacity += capacity
        if by_ttl or by_capacity:
            logger.info(f"step {step}: evicted {by_ttl} idle rows and {by_capacity} rows over "
                        f"capacity")
