"""Case numbers that look like one typed wrongly: what "There is no case PI-2014" suggests instead."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.queries import case_key


def closest_numbers(
    session: Session,
    number: str,
    limit: int = 3,
    *,
    among: Callable[[list[tuple[str, str, int]]], list[str]] | None = None,
) -> list[str]:
    """Existing case numbers that look like `number`: same digits first, then similar spelling. `among`
    narrows the candidates, given as (number, manager, case id), to the numbers it answers (those the
    person asking may see). Looks at a bounded candidate set, so it stays fast at any number of cases."""
    key = case_key(number)
    digits = "".join(re.findall(r"\d+", key))
    candidates: dict[str, tuple[str, str, int]] = {}
    columns = select(Case.number, Case.manager_id, Case.id)
    if digits:
        like = f"%{digits[-4:]}%"
        for row in session.execute(columns.where(Case.number_key.like(like)).limit(200)):
            candidates[row[0]] = (row[0], row[1], row[2])
    # A transposed pair or one digit off (PI-2014 for PI-2041): looked up by key, whatever the firm's size.
    near = sorted(_one_edit_keys(key))
    for chunk in range(0, len(near), 500):
        for row in session.execute(columns.where(Case.number_key.in_(near[chunk : chunk + 500]))):
            candidates[row[0]] = (row[0], row[1], row[2])
    prefix = key[:3]
    if prefix:
        for row in session.execute(columns.where(Case.number_key.like(f"{prefix}%")).limit(200)):
            candidates[row[0]] = (row[0], row[1], row[2])
    found = sorted(candidates.values())
    numbers = among(found) if among is not None else [n for n, _, _ in found]
    by_key = {c.upper(): c for c in numbers}
    swapped = _swapped_keys(key)
    one_off = sorted((k for k in by_key if k in near), key=lambda k: (k not in swapped, k))
    close = difflib.get_close_matches(key, [k for k in by_key if k not in near], n=limit, cutoff=0.6)
    return [by_key[k] for k in [*one_off, *close][:limit]]


def _swapped_keys(key: str) -> set[str]:
    """Every key with two neighbours swapped (PI-2014 for PI-2041)."""
    return {key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(len(key) - 1) if key[i] != key[i + 1]}


def _one_edit_keys(key: str) -> set[str]:
    """Every key one slip away: two neighbours swapped, or one digit typed as another."""
    out = _swapped_keys(key)
    for i, ch in enumerate(key):
        if ch.isdigit():
            out |= {key[:i] + d + key[i + 1 :] for d in "0123456789" if d != ch}
    out.discard(key)
    return out
