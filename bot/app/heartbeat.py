"""A heartbeat file the background loop touches after each step that went through, and its
age: a container's HEALTHCHECK (`pinwheel health`) tells a loop that is alive and working from
one that hangs or fails every step (say, with its database gone)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

_warned: set[Path] = set()


def beat(path: Path | None) -> None:
    """Touch `path` (nothing without one); a file that cannot be written is logged once."""
    if path is None:
        return
    try:
        path.touch()
        os.utime(path)
    except OSError as err:
        if path not in _warned:
            _warned.add(path)
            log.warning("cannot write the heartbeat file %s: %s", path, err)


def age(path: Path, now: float | None = None) -> float | None:
    """Seconds since the last beat; None if there has been none."""
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return max(0.0, (time.time() if now is None else now) - modified)
