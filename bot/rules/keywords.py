"""What a client's text says about texting itself: STOP, START or HELP as a whole message, in English or
Spanish, and free text that reads like a request to stop. Pure: the services decide what follows.

Carriers expect STOP, START and HELP (and their usual synonyms) to work at once, whatever the case, accents or
punctuation ("Stop.", "¡ALTO!", "no más"); the FCC asks that a request to stop in any reasonable words be
honoured, so free text that reads like one ("please stop texting me", "no me manden más mensajes") stops
texts too, and a person confirms it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Keyword(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


@dataclass(frozen=True)
class Reading:
    """A keyword found in a whole message. `language` is "es" for a word only Spanish uses, "en" for one only
    English uses, None when either could (STOP: the Spanish notice says "Responda STOP"). `only_if_opted_out`:
    YES / SÍ is an ordinary answer to the manager unless the number is opted out."""

    keyword: Keyword
    language: str | None = None
    only_if_opted_out: bool = False


# Each word in its compact form (letters and digits only, accents dropped, lower case): "no más" is "nomas",
# "opt-out" is "optout". The word's language, if it has only one.
_WORDS: dict[str, tuple[Keyword, str | None]] = {
    **{w: (Keyword.STOP, None) for w in ("stop", "stopall", "end", "cancel", "quit")},
    **{w: (Keyword.STOP, "en") for w in ("unsubscribe", "revoke", "optout")},
    **{w: (Keyword.STOP, "es") for w in ("parar", "alto", "cancelar", "baja", "nomas", "darsedebaja")},
    **{w: (Keyword.START, None) for w in ("start", "unstop")},
    **{w: (Keyword.START, "es") for w in ("comenzar",)},
    **{w: (Keyword.HELP, None) for w in ("help", "info")},
    **{w: (Keyword.HELP, "es") for w in ("ayuda",)},
}
# Carriers also opt a number back in on YES; SÍ is its Spanish twin. Only then: otherwise they answer a question.
_YES: dict[str, str] = {"yes": "en", "si": "es"}


def plain(text: str) -> str:
    """Lower case, accents dropped (á → a, ñ → n), every run of anything but letters and digits one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", letters))


def keyword_of(text: str) -> Reading | None:
    """The keyword a whole message is, or None: "Stop." and "¡ALTO!" are, "stop calling at 7am" is not."""
    compact = plain(text).replace(" ", "")
    if compact in _WORDS:
        keyword, language = _WORDS[compact]
        return Reading(keyword, language)
    if compact in _YES:
        return Reading(Keyword.START, _YES[compact], only_if_opted_out=True)
    return None


# Free text that asks for no more texts. Matched on plain() text: lower case, no accents, no punctuation
# ("don't" is "don t"). Each pattern names the texting, so "stop" about anything else (the pain, a call at
# 7am) is not read as one.
_MESSAGES_EN = r"(?:text(?:s|ing)?|messag(?:e|es|ing)|sms)"
_MESSAGES_ES = r"(?:mensaj(?:e|es|itos)|text(?:o|os)|sms|whatsapps?)"
_STOP_EN = (
    rf"\bstop (?:\w+ ){{0,3}}(?:{_MESSAGES_EN}|contacting me)\b",
    r"\b(?:don t|dont|do not|never) (?:\w+ )?(?:text|message|sms|contact) me\b",
    rf"\b(?:don t|dont|do not|never) send me (?:\w+ ){{0,2}}{_MESSAGES_EN}\b",
    rf"\bno more {_MESSAGES_EN}\b",
    rf"\b(?:no longer|don t|dont|do not) (?:want|wish) (?:\w+ ){{0,4}}{_MESSAGES_EN}\b",
    r"\b(?:unsubscribe|opt me out|opt out)\b",
    r"\b(?:remove|take) me (?:off|from) (?:your |the |this )?(?:list|texts?|messages?)\b",
)
_STOP_ES = (
    rf"\bno me (?:\w+ )?(?:manden|mande|mandes|envien|envie|envies) (?:\w+ ){{0,2}}{_MESSAGES_ES}\b",
    r"\bno me (?:\w+ )?(?:escriban|escriba|escribas|textee|texteen|textees|contacten|contacte)\b",
    rf"\b(?:dejen|deje|dejes|paren|pare) de (?:\w+ ){{0,2}}(?:mandar|enviar|escribir|textear|{_MESSAGES_ES})",
    rf"\bno (?:quiero|deseo) (?:\w+ ){{0,3}}{_MESSAGES_ES}\b",
    rf"\bya no (?:\w+ ){{0,3}}{_MESSAGES_ES}\b",
    rf"\bno (?:mas|mandar|enviar) (?:\w+ )?{_MESSAGES_ES}\b",
    r"\b(?:quitenme|quiteme|sacame|saquenme|borrenme|borreme) de (?:la |su |esta )?lista\b",
    r"\bdar(?:me|se)? de baja\b",
)
_STOP_REQUEST = re.compile("|".join(f"(?:{p})" for p in _STOP_EN + _STOP_ES))


def reads_like_stop(text: str) -> bool:
    """Free text that asks for no more texts, in English or Spanish, though it is no keyword: texts stop at
    once and a person confirms. A keyword itself answers False (keyword_of reads it)."""
    if keyword_of(text) is not None:
        return False
    return _STOP_REQUEST.search(plain(text)) is not None
