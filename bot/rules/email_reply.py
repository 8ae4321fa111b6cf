"""A client's email reply as casebot reads it: the reply address's token, and only the new text, with the
quoted history and the signature cut off. Pure: bytes in, text out.

Each email casebot sends carries its own reply address, `reply+<token>@<INBOUND_EMAIL_DOMAIN>`, and a
Message-ID built from the same token; a reply names either, so it comes back to the message (and so the case)
it answers. The token is 160 random bits in lower-case base32, so a mail system that folds the address's case
keeps it; it is stored with the message it was sent with (the sender writes it into the email's headers).

Mail clients quote the message they answer below (or above) the new text in their own forms, in the
client's language: Gmail's "On Mon, Dec 7, 2026 at 10:02 AM Firm <…> wrote:" and "El lun, 7 dic 2026 a las
10:02, Firm (<…>) escribió:" (either may wrap over two lines), Outlook's "-----Original Message-----" /
"-----Mensaje original-----" or a rule of underscores then a From:/De: header block, Apple Mail's and
everyone's "> " lines, and a signature after "-- " or a "Sent from my iPhone" / "Enviado desde mi iPhone".
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

TOKEN_BYTES = 20
_TOKEN = re.compile(r"^[a-z2-7]{32}$")
REPLY_PREFIX = "reply+"


def new_reply_token() -> str:
    """160 random bits as 32 lower-case base32 letters: unguessable, and the same whatever case a mail system
    gives the address."""
    return base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode().lower().rstrip("=")


def reply_address(token: str, domain: str) -> str:
    return f"{REPLY_PREFIX}{token}@{domain.lower()}"


def message_id(token: str, domain: str) -> str:
    """The Message-ID of the email that carries `token`: a reply's In-Reply-To or References names it."""
    return f"<{token}@{domain.lower()}>"


def token_of_address(address: str, domain: str) -> str | None:
    """The token of `reply+<token>@<domain>` (any case), or None for any other address."""
    local, _, host = parseaddr(address)[1].strip().lower().rpartition("@")
    if host != domain.lower() or not local.startswith(REPLY_PREFIX):
        return None
    token = local[len(REPLY_PREFIX) :]
    return token if _TOKEN.match(token) else None


def token_of_message_ids(header: str, domain: str) -> str | None:
    """The first token among the message ids of an In-Reply-To or References header."""
    for found in re.finditer(r"<([^<>@\s]+)@([^<>@\s]+)>", header or ""):
        local, host = found.group(1).lower(), found.group(2).lower()
        if host == domain.lower() and _TOKEN.match(local):
            return local
    return None


@dataclass(frozen=True)
class InboundEmail:
    sender: str  # the From address, for the record (never logged)
    message_id: str  # the reply's own Message-ID: the same email delivered twice is recorded once
    text: str  # the new text only
    reply_tokens: tuple[str, ...]  # from In-Reply-To and References, for a reply sent to another address
    attachments: int


def read_email(raw: bytes, domain: str) -> InboundEmail:
    """Parse a received email (its bytes as the SMTP server got them) into the new text of the reply."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    body = _body_text(msg)
    tokens = tuple(
        t
        for t in (
            token_of_message_ids(str(msg.get("In-Reply-To", "")), domain),
            token_of_message_ids(str(msg.get("References", "")), domain),
        )
        if t
    )
    attachments = sum(1 for _ in msg.iter_attachments())
    sender = next((addr for _, addr in getaddresses([str(msg.get("From", ""))]) if addr), "")
    return InboundEmail(
        sender=sender,
        message_id=str(msg.get("Message-ID", "")).strip()[:200],
        text=new_text(body),
        reply_tokens=tokens,
        attachments=attachments,
    )


def _body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    text = str(content)
    return html_to_text(text) if part.get_content_type() == "text/html" else text


class _Text(HTMLParser):
    """An HTML body's visible text up to where a mail client begins the quoted history; quotes left out."""

    _HISTORY = ("gmail_quote", "moz-cite-prefix", "divrplyfwdmsg", "appendonsend", "yahoo_quoted")
    _HIDDEN = frozenset({"blockquote", "style", "script", "head", "title"})
    _EMPTY = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr"})
    _BREAKS = frozenset({"br", "p", "div", "tr", "li", "blockquote", "h1", "h2", "h3"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.done = False  # the history began: nothing after it is the reply
        self._hidden: list[str] = []  # the hidden tags we are inside of

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        marks = " ".join(v or "" for k, v in attrs if k in ("class", "id")).lower()
        if any(h in marks for h in self._HISTORY):
            self.done = True
        self._break(tag)
        if (self._hidden or tag in self._HIDDEN) and tag not in self._EMPTY:
            self._hidden.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <br/> is one line break, not two

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()
        self._break(tag)

    def _break(self, tag: str) -> None:
        """<br> is a line break; a block begins and ends one unless a line just ended."""
        if tag == "br" or (tag in self._BREAKS and self.out and not self.out[-1].endswith("\n")):
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self.done:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# A line that begins the quoted history: everything from it on is the old message.
_HISTORY_STARTS = (
    re.compile(
        r"^-{2,}\s*(original message|mensaje original|forwarded message|mensaje reenviado)\s*-{2,}$", re.I
    ),
    re.compile(r"^_{10,}$"),  # Outlook's rule above its From:/De: block
    re.compile(r"^(on|el)\s.{4,}\s(wrote|escribi[oó]):$", re.I | re.S),
    re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.{0,80}\s(wrote|escribi[oó]):$", re.I | re.S),
)
# Outlook's header block without a separator: From/De, then Sent/Enviado (or Date/Fecha) on the next lines.
_FROM = re.compile(r"^\*?(from|de)\s*:\*?\s", re.I)
_SENT = re.compile(r"^\*?(sent|enviado|date|fecha|to|para)\s*:\*?\s", re.I)
# A signature: the standard "-- " line, or a phone's.
_SIGNATURE = re.compile(
    r"^(--|—|sent from my .+|enviado desde mi .+|get outlook for .+|obtener outlook para .+)$", re.I
)


def new_text(body: str) -> str:
    """The reply's own words: the body up to where the quoted history or the signature begins, with quoted
    ("> ") lines left out, blank lines at either end trimmed."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        joined = (stripped + " " + lines[i + 1].strip()).strip() if i + 1 < len(lines) else stripped
        if _SIGNATURE.match(stripped):
            break
        if any(p.match(stripped) or p.match(joined) for p in _HISTORY_STARTS):
            break
        if _FROM.match(stripped) and any(_SENT.match(n.strip()) for n in lines[i + 1 : i + 3]):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept)
