"""A casebot server keeps glibc's malloc to two arenas however many threads it runs (bot/entrypoints/arenas.py):
what glibc itself reports, in a process of its own, with and without the bound."""

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from bot.entrypoints.arenas import ARENAS

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")

# Six threads alive at once, each allocating blocks too big for Python's own allocator (so they come from
# malloc); then glibc's own account of its arenas (malloc_info's <heap> elements).
_THREADS = """
import ctypes, sys, tempfile, threading
from bot.entrypoints.arenas import bound_malloc_arenas
took = bound_malloc_arenas() if sys.argv[1] == "bound" else None
start, done = threading.Barrier(6), threading.Barrier(7)
kept = []
def work():
    start.wait()
    kept.append([bytearray(4000) for _ in range(200)])
    done.wait()
threads = [threading.Thread(target=work) for _ in range(6)]
for t in threads:
    t.start()
done.wait()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = ctypes.c_char_p, ctypes.c_char_p
libc.malloc_info.argtypes = ctypes.c_int, ctypes.c_void_p
libc.fclose.argtypes = (ctypes.c_void_p,)
with tempfile.NamedTemporaryFile(suffix=".xml") as out:
    f = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, f)
    libc.fclose(f)
    heaps = open(out.name).read().count("<heap nr=")
for t in threads:
    t.join()
print(took, heaps)
"""


def _arenas(mode: str, **env: str) -> tuple[str, int]:
    clean = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", _THREADS, mode],
        env={**clean, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    return out[0], int(out[1])


def test_six_threads_share_two_arenas_once_bounded_and_take_one_each_otherwise() -> None:
    assert _arenas("bound") == ("True", ARENAS)
    took, heaps = _arenas("unbound")
    assert took == "None" and heaps > ARENAS  # what the bound is for: glibc's default gives threads their own


def test_an_operators_own_malloc_arena_max_is_left_as_it_is() -> None:
    assert _arenas("bound", MALLOC_ARENA_MAX="4") == ("False", 4)
