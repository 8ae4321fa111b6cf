"""The answers a carrier expects to STOP, START and HELP, from templates beside the notices
(bot/rules/notices/keywords/STOP.es.sms.j2 …), rendered the same way (sandboxed Jinja2, strict) from two fields only:
the firm's name and phone. Pure."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from bot.rules.keywords import Keyword
from bot.rules.notices import FIRM_NAME_MAX, TEMPLATES, cut

KEYWORD_TEMPLATES: dict[Keyword, str] = {Keyword.STOP: "STOP", Keyword.START: "START", Keyword.HELP: "HELP"}
LANGUAGES = ("en", "es")

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment


@cache
def _environment() -> SandboxedEnvironment:
    from jinja2 import FileSystemLoader, StrictUndefined  # loaded with the first answer, as the notices'
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, autoescape=False
    )


def keyword_template(keyword: Keyword, language: str) -> str:
    return f"keywords/{KEYWORD_TEMPLATES[keyword]}.{language}.sms.j2"


def keyword_reply(keyword: Keyword, language: str, firm_name: str, firm_phone: str) -> str:
    """The one text that answers `keyword`, in the client's language (English when it is not one we write)."""
    language = language if language in LANGUAGES else "en"
    text = (
        _environment()
        .get_template(keyword_template(keyword, language))
        .render(firm_name=cut(firm_name, FIRM_NAME_MAX), firm_phone=firm_phone)
    )
    return " ".join(text.split())
