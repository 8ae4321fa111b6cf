"""A long-running casebot process keeps glibc's malloc to a few arenas.

glibc gives each thread that allocates an arena of its own, up to eight a core, and memory freed in one arena
is kept there for that arena's next allocation: a server's eight request threads, its Home refreshes and
SQLite (which allocates in C, without the GIL) each grow their own free lists. At 100,000 cases a morning rush
left 10 MB more resident that way (bench/RESULTS.md, issue 23). Two arenas are what gunicorn's and
Heroku's guides advise for threaded Python servers (`MALLOC_ARENA_MAX=2`); this sets the same at start, so
that it holds however casebot is launched. An operator's own MALLOC_ARENA_MAX wins; other C libraries (musl,
macOS) have no such arenas and are left alone."""

from __future__ import annotations

import ctypes
import ctypes.util
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
