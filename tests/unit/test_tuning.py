"""How `casebot run` sets up its memory (bot/entrypoints/tuning.py): glibc's malloc kept to two arenas however
many threads it runs, as glibc itself reports it; start-up's objects frozen out of the cycle collector, its
garbage collected first, and what requests make afterwards still collected. Each in a process of its own."""

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from bot.entrypoints.tuning import ARENAS

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")

# Six threads alive at once, each allocating blocks too big for Python's own allocator (so they come from
# malloc); then glibc's own account of its arenas (malloc_info's <heap> elements).
_THREADS = """
import ctypes, sys, tempfile, threading
from bot.entrypoints.tuning import bound_malloc_arenas
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


def _python(script: str, *args: str, **env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**clean, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()


def _arenas(mode: str, **env: str) -> tuple[str, int]:
    took, heaps = _python(_THREADS, mode, **env)
    return took, int(heaps)


@glibc
def test_six_threads_share_two_arenas_once_bounded_and_take_one_each_otherwise() -> None:
    assert _arenas("bound") == ("True", ARENAS)
    took, heaps = _arenas("unbound")
    assert took == "None" and heaps > ARENAS  # what the bound is for: glibc's default gives threads their own


@glibc
def test_an_operators_own_malloc_arena_max_is_left_as_it_is() -> None:
    assert _arenas("bound", MALLOC_ARENA_MAX="4") == ("False", 4)


# A cycle made during start-up (garbage by the time start-up is done), then settled; then one made by a
# "request" afterwards. Weak references tell which were collected.
_SETTLE = """
import gc, weakref
from bot.entrypoints import app  # start-up: what `casebot run` imports
from bot.entrypoints.tuning import settle_start_up

class Node:
    pass

def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)

gc.disable()  # nothing collected but by the calls below
start_up_garbage = cycle()
frozen = settle_start_up()
request_garbage = cycle()
gc.collect()
print(frozen, start_up_garbage() is None, request_garbage() is None, gc.get_freeze_count() == frozen)
"""


def test_start_up_is_frozen_after_its_garbage_goes_and_later_garbage_is_still_collected() -> None:
    frozen, start_up_collected, request_collected, still_frozen = _python(_SETTLE)
    assert int(frozen) > 20_000  # Bolt, SQLAlchemy, the handlers and the models
    assert start_up_collected == "True"  # not frozen for the life of the process
    assert request_collected == "True"  # a full collection still frees what requests leave
    assert still_frozen == "True"
