"""What casebot's logs may hold: who (Slack user ids), which case (its number), what was being done, and why it
failed (the error's type and where). Never a client's name, an amount, a note or a provider's name, at any
level: so casebot logs no request or message bodies, no SQL parameters or rows, and no error's own message
when it failed on something it was not expecting (that message may quote what a person typed)."""

from __future__ import annotations

import logging
import traceback
from typing import Any

# The libraries that log bodies, statements, rows or addresses below these levels: the Slack SDK and Bolt log
# every request and response body at DEBUG, SQLAlchemy's engine logs statements at INFO and rows at DEBUG.
LIBRARY_LEVELS = {
    "slack_sdk": logging.INFO,
    "slack_bolt": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
    "sqlalchemy.pool": logging.WARNING,
    "urllib3": logging.INFO,
    # waitress logs a dropped connection with its request line at INFO: a calendar feed's path is its token.
    "waitress": logging.WARNING,
    # aiosmtpd (`casebot run --smtp-port`) logs each command at INFO, a client's address and a reply token
    # with it, and every line of a message at DEBUG.
    "mail.log": logging.WARNING,
    # the twilio package logs each request's address and query at INFO.
    "twilio.http_client": logging.WARNING,
}


def confine_library_logs() -> None:
    """Keep the libraries' own logging of bodies, SQL and rows off, whatever the root level is."""
    for name, level in LIBRARY_LEVELS.items():
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < level:
            logger.setLevel(level)


def bolt_logger() -> logging.Logger:
    """The logger Bolt is given: its DEBUG lines carry request and response bodies."""
    confine_library_logs()
    logger = logging.getLogger("slack_bolt.App")
    logger.setLevel(max(logger.level, logging.INFO))
    return logger


def where(exc: BaseException) -> str:
    """An unexpected error, told by its type and the frames it came through, never by its message."""
    frames = traceback.extract_tb(exc.__traceback__)
    trail = " < ".join(
        f"{f.name} ({f.filename.rsplit('/', 1)[-1]}:{f.lineno})" for f in reversed(frames[-6:])
    )
    return f"{type(exc).__name__} in {trail}" if trail else type(exc).__name__


def failure(log: logging.Logger, what: str, exc: BaseException, **ids: Any) -> None:
    """Log a failure: what was being done, the ids it concerned (user, case number, subcommand), and where
    the error came from."""
    named = " ".join(f"{k}={v}" for k, v in ids.items() if v is not None)
    log.error("Failed to %s%s: %s", what, f" ({named})" if named else "", where(exc))
