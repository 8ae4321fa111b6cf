"""Settings: read once from the environment (and `.env`), validated, then passed around."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from bot.rules.playbook import Numbers
from bot.settings_clients import ClientSettings, ClientSettingsError, client_settings

DEFAULT_DATABASE_URL = "sqlite:///casebot.db"
SLACK_API_DEFAULT = "https://slack.com/api/"


class SettingsError(ValueError):
    """A setting is present but cannot be used; the message names it and shows a valid value."""


@dataclass(frozen=True)
class Settings:
    # Secrets (and a database URL, which may carry a password) never appear in a repr or a log line.
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_api_base_url: str = SLACK_API_DEFAULT
    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)
    firm_timezone: str = "America/Los_Angeles"
    firm_name: str = "Law Office"  # FIRM_NAME: heads the settlement statement
    digest_time: time = time(8, 30)
    workday_end: time = time(18, 0)  # after this, local time, nothing new goes out that day
    holidays_country: str = "US"
    holidays_subdiv: str | None = None
    extra_closed_days: frozenset[date] = frozenset()
    admin_users: frozenset[str] = frozenset()
    numbers: Numbers = field(default_factory=Numbers)
    reminder_tick_seconds: int = 60
    now: datetime | None = None  # CASEBOT_NOW: run as if it were this moment (rehearsals, demos, tests)
    public_base_url: str | None = None  # where `casebot run --http` is reached from outside: calendar links
    clients: ClientSettings = field(default_factory=ClientSettings)  # texts and email to clients (issue 21)

    @property
    def has_slack_credentials(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.firm_timezone)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        if env is None:
            if dotenv:
                load_dotenv(Path.cwd() / ".env", override=False)
            env = dict(os.environ)
        values = env

        def get(name: str) -> str | None:
            return (values.get(name) or "").strip() or None

        settings = cls(
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_api_base_url=_base_url(get("SLACK_API_BASE_URL") or SLACK_API_DEFAULT),
            database_url=get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            firm_timezone=_timezone(get("FIRM_TIMEZONE") or "America/Los_Angeles"),
            firm_name=" ".join((get("FIRM_NAME") or "Law Office").split())[:120],
            digest_time=_clock_time(get("DIGEST_TIME") or "08:30"),
            workday_end=_clock_time(get("WORKDAY_END") or "18:00", "WORKDAY_END"),
            admin_users=frozenset(re.split(r"[\s,]+", get("ADMIN_USERS") or "")) - {""},
            numbers=_numbers(env),
            extra_closed_days=_closed_days(get("FIRM_CLOSED_DAYS") or ""),
            reminder_tick_seconds=_positive(get("REMINDER_TICK_SECONDS") or "60", "REMINDER_TICK_SECONDS"),
            now=_moment(get("CASEBOT_NOW")),
            public_base_url=_public_url(get("PUBLIC_BASE_URL")),
            clients=_clients(get),
        )
        country, _, subdiv = (get("HOLIDAYS") or "US").partition("-")
        return replace(settings, holidays_country=country.upper(), holidays_subdiv=subdiv.upper() or None)


def _clients(get: Callable[[str], str | None]) -> ClientSettings:
    try:
        return client_settings(get)
    except ClientSettingsError as exc:
        raise SettingsError(str(exc)) from exc


def _base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _public_url(url: str | None) -> str | None:
    if not url:
        return None
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        raise SettingsError(f"PUBLIC_BASE_URL={url!r} is not a web address; e.g. https://casebot.example.com")
    return url.rstrip("/")


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"FIRM_TIMEZONE={name!r} is not a time zone; e.g. America/Los_Angeles") from exc
    return name


def _clock_time(text: str, name: str = "DIGEST_TIME") -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise SettingsError(f"{name}={text!r} is not a time of day; e.g. 08:30")
    return time(int(match[1]), int(match[2]))


def _positive(text: str, name: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{name}={text!r} is not a whole number of seconds; e.g. 60")
    return int(text)


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise SettingsError(f"CASEBOT_NOW={text!r} is not a moment; e.g. 2026-11-24T10:00:00-08:00") from exc
    if moment.tzinfo is None:
        raise SettingsError(f"CASEBOT_NOW={text!r} needs its UTC offset; e.g. 2026-11-24T10:00:00-08:00")
    return moment


def _closed_days(text: str) -> frozenset[date]:
    days = set()
    for part in re.split(r"[\s,]+", text.strip()):
        if not part:
            continue
        try:
            days.add(date.fromisoformat(part))
        except ValueError as exc:
            raise SettingsError(f"FIRM_CLOSED_DAYS has {part!r}; list days as 2026-12-24,2026-12-31") from exc
    return frozenset(days)


def _numbers(env: dict[str, str]) -> Numbers:
    """Every playbook number can be overridden as PLAYBOOK_<NAME>, e.g. PLAYBOOK_RECORDS_CADENCE_DAYS=14."""
    overrides: dict[str, object] = {}
    defaults = Numbers()
    for f in fields(Numbers):
        raw = (env.get(f"PLAYBOOK_{f.name.upper()}") or "").strip()
        if not raw:
            continue
        current = getattr(defaults, f.name)
        try:
            if isinstance(current, tuple):
                overrides[f.name] = tuple(
                    sorted((int(x) for x in re.split(r"[\s,]+", raw) if x), reverse=True)
                )
            else:
                overrides[f.name] = type(current)(raw)
        except (ValueError, ArithmeticError) as exc:
            raise SettingsError(
                f"PLAYBOOK_{f.name.upper()}={raw!r} is not valid; the default is {current}"
            ) from exc
    base = (env.get("FEE_BASE") or "").strip().lower()  # PLAYBOOK.md names it FEE_BASE; both spellings work
    if base:
        overrides["fee_base"] = base
    if overrides.get("fee_base", defaults.fee_base) not in ("gross", "net"):
        raise SettingsError(f"FEE_BASE={overrides['fee_base']!r} is not valid; use gross or net")
    return replace(defaults, **overrides)  # type: ignore[arg-type]
