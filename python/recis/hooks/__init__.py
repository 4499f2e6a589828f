from recis.hooks.filter_hook import HashTableFilterHook
from recis.hooks.hook import Hook
from recis.hooks.logger_hook import LoggerHook
from recis.hooks.profiler_hook import ProfilerHook

__all__ = ["Hook", "LoggerHook", "ProfilerHook", "HashTableFilterHook"]
