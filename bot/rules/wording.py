"""Words people type for a vocabulary word, and the typos that must never become a fact. Slack-free and pure.

A command's vocabulary (contact kinds, attempts, provider actions, hold-up kinds, close outcomes) is read by
`vocabulary_word`: the word itself, a common spelling of it (`adjustor`), or two words that are one (`wage loss`,
`followed up`, `no answer`). A word close to one of them (`cleint`, `ajuster`, `setled`) is a typo: the caller
refuses it with "Did you mean …?" rather than keep it as a note or a name. `not_reached` finds a note that says
the person was not reached (a voicemail, no answer): that is an attempt, not a contact."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from bot.rules.playbook import Attempt, ContactKind

# Common spellings of a contact kind, as people type them.
KIND_SPELLINGS: dict[str, str] = {
    "client": ContactKind.CLIENT,
    "clients": ContactKind.CLIENT,
    "client's": ContactKind.CLIENT,
    "adjuster": ContactKind.ADJUSTER,
    "adjustor": ContactKind.ADJUSTER,
    "adjusters": ContactKind.ADJUSTER,
    "adjustors": ContactKind.ADJUSTER,
    "adjuster's": ContactKind.ADJUSTER,
    "adjustor's": ContactKind.ADJUSTER,
    "adj": ContactKind.ADJUSTER,
}
# The attempts a person types, and their spellings.
ATTEMPT_SPELLINGS: dict[str, str] = {
    "attempt": Attempt.ATTEMPT,
    "attempted": Attempt.ATTEMPT,
    "tried": Attempt.ATTEMPT,
    "voicemail": Attempt.VOICEMAIL,
    "voice-mail": Attempt.VOICEMAIL,
    "vm": Attempt.VOICEMAIL,
    "no-answer": Attempt.NO_ANSWER,
    "noanswer": Attempt.NO_ANSWER,
}

# A note saying the person was not reached. Word boundaries, any case; `VM` only as a word of its own.
_NOT_REACHED = re.compile(
    r"\b(voice[\s-]?mails?|vm|lvm|left (?:a |her |him |them |an? )?(?:message|msg|vm|voicemail)|"
    r"no[\s-]answer|did(?:n'?t| not) (?:answer|pick up|reach)|could(?:n'?t| not) (?:reach|get through)|"
    r"not reached|unreachable|no response|mailbox (?:is )?full|went to (?:voicemail|vm))\b",
    re.IGNORECASE,
)


def not_reached(text: str) -> str | None:
    """The words of a note that say the person was not reached ("left a message"), or None."""
    match = _NOT_REACHED.search(text.replace("’", "'"))
    return match.group(0) if match else None


_TITLES = frozenset({"dr", "doctor", "md", "do", "dc", "pt", "inc", "llc", "pc", "the", "of"})


def name_words(text: str) -> list[str]:
    """A name as words to compare: any case, no punctuation (St. Mary's is st marys), titles dropped
    (Dr. Chen is chen)."""
    plain = re.sub(r"[^\w\s]", "", text.lower().replace("’", "'"))
    words = plain.split()
    kept = [w for w in words if w not in _TITLES]
    return kept or words


def name_matches(typed: str, names: Sequence[str]) -> list[int]:
    """Which of `names` the typed words mean, by index: the whole name, else the names that start with it,
    else the names that have every typed word as a word (or the start of one)."""
    want = name_words(typed)
    if not want:
        return []
    keys = [name_words(n) for n in names]
    joined = " ".join(want)
    tests: tuple[Callable[[list[str]], bool], ...] = (
        lambda k: " ".join(k) == joined,
        lambda k: " ".join(k).startswith(joined),
        lambda k: all(any(w.startswith(t) for w in k) for t in want),
    )
    for test in tests:
        found = [i for i, k in enumerate(keys) if test(k)]
        if found:
            return found
    return []


def _distance(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (cleint → client is 1)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def close_to(word: str, vocabulary: Sequence[str]) -> str | None:
    """The vocabulary word `word` is a typo of (one edit for short words, two for words of 6 letters or
    more), or None. Only a word that is not itself in the vocabulary is asked about."""
    bare = word.lower().strip(".,;:!?")
    if len(bare) < 3 or bare in vocabulary:
        return None
    best: tuple[int, str] | None = None
    for known in vocabulary:
        allowed = 2 if len(known) >= 6 else 1
        gap = _distance(bare, known)
        if gap <= allowed and (best is None or gap < best[0]):
            best = (gap, known)
    return best[1] if best else None


def vocabulary_word(
    words: Sequence[str], vocabulary: Sequence[str], spellings: Mapping[str, str] | None = None
) -> tuple[str, int] | None:
    """The vocabulary word written at the start of `words` and how many words it took (one, or two joined
    by a hyphen: `wage loss`, `followed up`), or None. Case and underscores do not matter."""
    spellings = spellings or {}

    def known(text: str) -> str | None:
        text = text.lower().replace("_", "-")
        if text in vocabulary:
            return text
        return spellings.get(text)

    if not words:
        return None
    if len(words) > 1:
        two = known(f"{words[0]}-{words[1]}")
        if two is not None:
            return two, 2
    one = known(words[0])
    return (one, 1) if one is not None else None
