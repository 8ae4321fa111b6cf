"""The playbook's notices to a client, from templates (pure: no database, no clock).

One template file per rule, language and channel in bot/rules/notices/: `R2.es.sms.j2`, `R2.en.email.txt.j2`
(its subject set at the top), `R2.en.email.html.j2`. They are rendered by a sandboxed Jinja2 environment in
strict mode (a name that is not a field is an error, never an empty string) from NoticeFields alone: the
client's first name, the firm's name and phone, the manager's first name, a plain stage phrase, how many
providers are still outstanding, the demand's day, a generic hold-up label. Amounts, provider names,
diagnoses, notes, claim and case numbers are not fields, so no template can carry them. Dates and numbers
are written by Babel in the client's locale (en_US, es_US)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.rules.client_details import CALL_RULES, LANGUAGES, MESSAGE_RULES, Segments, sms_segments
from bot.rules.playbook import HoldUp, Stage

TEMPLATES = Path(__file__).with_name("notices")
LOCALES = {"en": "en_US", "es": "es_US"}
NOTICE_RULES: tuple[str, ...] = MESSAGE_RULES + CALL_RULES

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment
# The longest a field may be in a message (a longer value is cut at a word): two SMS segments must hold it.
FIRM_NAME_MAX, FIRST_NAME_MAX = 20, 12


@dataclass(frozen=True)
class NoticeFields:
    """Exactly what a notice may say. Nothing else reaches a template."""

    client_first_name: str
    firm_name: str
    firm_phone: str
    manager_first_name: str
    stage_phrase: str
    providers_outstanding: int
    demand_day: date | None
    holdup_label: str | None
    first_message: bool  # the first message to this number: names the firm and says how to stop


FIELD_NAMES: frozenset[str] = frozenset(f.name for f in fields(NoticeFields))


@dataclass(frozen=True)
class Notice:
    rule: str
    language: str
    channel: str  # sms | email
    text: str
    subject: str | None = None  # email only
    html: str | None = None  # email only

    @property
    def segments(self) -> Segments:
        return sms_segments(self.text)


STAGE_PHRASES: dict[str, dict[Stage, str]] = {
    "en": {
        Stage.RECORDS: "gathering medical records",
        Stage.DEMAND_QUEUE: "ready for the demand",
        Stage.DEMAND_DRAFTING: "preparing the demand",
        Stage.DEMAND_SENT: "waiting for the insurer",
        Stage.NEGOTIATION: "in negotiation",
        Stage.FINAL_OFFER: "reviewing the final offer",
        Stage.SETTLEMENT: "at settlement",
        Stage.SETTLED: "settled",
        Stage.LITIGATION: "in litigation",
        Stage.DROPPED: "closed",
    },
    "es": {
        Stage.RECORDS: "reunimos expedientes",
        Stage.DEMAND_QUEUE: "lista para la demanda",
        Stage.DEMAND_DRAFTING: "preparamos la demanda",
        Stage.DEMAND_SENT: "esperamos a la aseguradora",
        Stage.NEGOTIATION: "en negociación",
        Stage.FINAL_OFFER: "revisamos la oferta final",
        Stage.SETTLEMENT: "en el acuerdo",
        Stage.SETTLED: "resuelto",
        Stage.LITIGATION: "en litigio",
        Stage.DROPPED: "cerrado",
    },
}
HOLDUP_PHRASES: dict[str, dict[HoldUp, str]] = {
    "en": {
        HoldUp.CHART_NOTES: "medical paperwork",
        HoldUp.BILLING: "a bill",
        HoldUp.WAGE_LOSS: "a wage form",
        HoldUp.OTHER: "paperwork",
    },
    "es": {
        HoldUp.CHART_NOTES: "papeleo médico",
        HoldUp.BILLING: "una factura",
        HoldUp.WAGE_LOSS: "un formulario",
        HoldUp.OTHER: "papeleo",
    },
}


def cut(text: str, limit: int) -> str:
    """`text` with spaces tidied, cut at the last whole word within `limit` characters (or hard at it)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    return head.rsplit(" ", 1)[0] if " " in head else head


def first_name(full: str) -> str:
    words = full.split()
    return cut(words[0], FIRST_NAME_MAX) if words else ""


@cache
def _environment(language: str) -> SandboxedEnvironment:
    # Jinja2 and Babel load with the first notice rendered, not with every process that may render one (the
    # server answers most requests without either): ≈3 MB and ≈25 ms, once.
    from babel.dates import format_date
    from babel.numbers import format_decimal
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    locale = LOCALES[language]
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        keep_trailing_newline=False,
        trim_blocks=False,
    )
    env.filters["day"] = lambda d: format_date(
        d, format="d 'de' MMMM" if language == "es" else "MMMM d", locale=locale
    )
    env.filters["number"] = lambda n: format_decimal(n, locale=locale)
    return env


def template_name(rule: str, language: str, channel: str) -> str:
    return f"{rule}.{language}.{channel}.j2"


def template_names() -> list[str]:
    return sorted(p.name for p in TEMPLATES.glob("*.j2"))


def render_notice(rule: str, language: str, channel: str, f: NoticeFields) -> Notice:
    """The notice for `rule` in `language` by `channel` (sms | email), from `f` alone."""
    if rule not in NOTICE_RULES or language not in LANGUAGES or channel not in ("sms", "email"):
        raise ValueError(f"no notice {rule} {language} {channel}")
    env = _environment(language)
    values = asdict(f)
    if channel == "sms":
        text = env.get_template(template_name(rule, language, "sms")).render(values)
        return Notice(rule, language, channel, " ".join(text.split()))
    module = env.get_template(template_name(rule, language, "email.txt")).make_module(values)
    html = env.get_template(template_name(rule, language, "email.html")).render(values)
    subject = str(getattr(module, "subject", "")).strip()
    return Notice(rule, language, channel, str(module).strip() + "\n", subject=subject, html=html)
