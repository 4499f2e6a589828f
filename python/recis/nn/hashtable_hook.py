"""recis.nn.hashtable_hook: declarative table policies, as RecIS names them.

  AdmitHook("ReadOnly")                          lookups never create rows (unknown ids read 0)
  AdmitHook("CountThreshold", {"threshold": n})  an id gets a row at its n-th sighting (ours)
  FilterHook("GlobalStepFilter", {"filter_step": n})  rows not looked up for n steps are evicted
                                                     when recis.hooks.HashTableFilterHook runs
"""

import json
from typing import Optional


class BaseHook:
    def __init__(self, name: str, params: Optional[dict] = None):
        self._name = name
        self._params = dict(params or {})

    @property
    def name(self):
        return self._name

    @property
    def params(self):
        return self._params

    def __str__(self):
        return json.dumps({"name": self._name, "params": self._params}, sort_keys=True)


class AdmitHook(BaseHook):
    @property
    def type(self):
        return "admit"


class FilterHook(BaseHook):
    @property
    def type(self):
        return "filter"
