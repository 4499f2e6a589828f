"""recis.utils.logger.Logger: RecIS's logger, a named logging.Logger writing
`[time] [LEVEL] [name] message` to stderr (once per name). RECIS_LOG_LEVEL sets the level
(default INFO)."""

import logging
import os
import sys

_FORMAT = "[%(asctime)s] [%(levelname)s] [%(name)s] %(message)s"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record is emitted (redirections apply)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class Logger:
    def __init__(self, name="recis", level=None):
        self._logger = logging.getLogger(name)
        if not self._logger.handlers:
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter(_FORMAT))
            self._logger.addHandler(handler)
            self._logger.propagate = False
        self._logger.setLevel(level or os.environ.get("RECIS_LOG_LEVEL", "INFO").upper())

    def debug(self, message, *args, **kwargs):
        self._logger.debug(message, *args, **kwargs)

    def info(self, message, *args, **kwargs):
        self._logger.info(message, *args, **kwargs)

    def warning(self, message, *args, **kwargs):
        self._logger.warning(message, *args, **kwargs)

    warn = warning

    def error(self, message, *args, **kwargs):
        self._logger.error(message, *args, **kwargs)

    def exception(self, message, *args, **kwargs):
        self._logger.exception(message, *args, **kwargs)

    def setLevel(self, level):
        self._logger.setLevel(level)
