"""Block Kit as plain text, for the console: what a person would read in Slack, without the chrome."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(?:https?://|mailto:)[^|>]*\|([^>]*)>|<((?:https?://|mailto:)[^>]*)>")
_EMOJI = {
    ":warning:": "!",
    ":white_check_mark:": "✓",
    ":x:": "✗",
    ":red_circle:": "●",
    ":snail:": "(slow)",
    ":tada:": "",
    ":wave:": "",
}


# esc() puts a zero-width space on each side of a *, _, ~ or ` a person typed: such a one is a character,
# never formatting. They are set aside (as private-use characters) while formatting is read.
_LITERAL = re.compile("\u200b([*_~`])\u200b")
_KEEP = {"*": "\ue000", "_": "\ue001", "~": "\ue002", "`": "\ue003"}


def mrkdwn(text: str) -> str:
    text = _LITERAL.sub(lambda m: _KEEP[m.group(1)], text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _emoji(text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"\1", text)
    text = text.replace("`", "")
    for mark, kept in _KEEP.items():
        text = text.replace(kept, mark)
    text = text.replace("\u200b", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def _emoji(text: str) -> str:
    for code, plain in _EMOJI.items():
        text = text.replace(code, plain)
    return text


def _text(obj: Any) -> str:
    if isinstance(obj, dict):
        if obj.get("type") == "plain_text":  # Slack shows it as it is, emoji aside
            return _emoji(str(obj.get("text", ""))).strip()
        return mrkdwn(str(obj.get("text", "")))
    return mrkdwn(str(obj or ""))


def _element(el: dict[str, Any]) -> str:
    kind = el.get("type")
    if kind == "button":
        return f"[{_text(el.get('text'))}]"
    if kind in ("mrkdwn", "plain_text"):
        return _text(el)
    if kind == "image":
        return f"({el.get('alt_text', 'image')})"
    return f"[{kind}]"


def render_blocks(blocks: Iterable[dict[str, Any]], width: int = 100) -> str:
    lines: list[str] = []
    for b in blocks:
        kind = b.get("type")
        if kind == "header":
            title = _text(b.get("text"))
            lines += [title, "=" * min(len(title), width)]
        elif kind == "section":
            body = _text(b.get("text")) if b.get("text") else ""
            fields = [_text(f) for f in b.get("fields") or []]
            acc = b.get("accessory")
            extra = f"  {_element(acc)}" if isinstance(acc, dict) else ""
            text = "\n".join(x for x in [body, *fields] if x)
            lines.append(text + extra)
        elif kind == "context":
            lines.append("  " + "  ".join(_element(e) for e in b.get("elements") or []))
        elif kind == "actions":
            lines.append("  ".join(_element(e) for e in b.get("elements") or []))
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "input":
            optional = " (optional)" if b.get("optional") else ""
            lines.append(f"{_text(b.get('label'))}{optional}: ____")
        elif kind == "image":
            lines.append(f"({b.get('alt_text', 'image')})")
        else:
            lines.append(f"[{kind}]")
    return "\n".join(lines)


def render_message(text: str | None, blocks: Iterable[dict[str, Any]] | None) -> str:
    blocks = list(blocks or [])
    return render_blocks(blocks) if blocks else mrkdwn(text or "")


def render_view(view: dict[str, Any]) -> str:
    title = _text(view.get("title")) if view.get("title") else "Home"
    body = render_blocks(view.get("blocks") or [])
    submit = view.get("submit")
    tail = f"\n[{_text(submit)}]" if submit else ""
    return f"┌ {title}\n{body}{tail}"
