"""How a long-running casebot process (`casebot run`) sets up its memory: malloc's arenas, and what Python's
cycle collector looks at. Both measured at 100,000 cases in bench/RESULTS.md (issue 23, runs R4 and R5).

- **Two malloc arenas.** glibc gives each thread that allocates an arena of its own, up to eight a core, and
  memory freed in one arena is kept there for that arena's next allocation: the server's request threads, its
  Home refreshes and SQLite (which allocates in C, without the GIL) each grow their own free lists. A morning
  rush left 10 MB more resident that way. Two arenas are what gunicorn's and Heroku's guides advise for
  threaded Python servers (`MALLOC_ARENA_MAX=2`); this sets the same at start, however casebot is launched.
  An operator's own MALLOC_ARENA_MAX wins; other C libraries (musl, macOS) have no such arenas.
- **Start-up's objects left out of the cycle collector.** Importing Bolt, SQLAlchemy, the handlers and the
  models makes about 100,000 objects that live as long as the process. Python's full collection walks all
  of them every time, 30 ms or more with the GIL held, and every request in flight waits: that was most of
  a write's p99. Once start-up is done, its garbage is collected and the rest frozen (`gc.freeze`), so a
  full collection walks only what requests made."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os

ARENAS = 2
_M_ARENA_MAX = -8  # glibc's <malloc.h>


def bound_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Keep this process's malloc to `arenas` arenas, before its threads start. True when glibc took it."""
    if os.environ.get("MALLOC_ARENA_MAX"):  # glibc read it at start: the operator's choice stands
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, arenas))


def settle_start_up() -> int:
    """Once start-up is done: collect its garbage, then keep what is left out of every later collection.
    Returns how many objects were frozen. Cycles made afterwards are collected as always."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
