"""The stand-in's Web API methods: what each answers, the users it knows, and the ids and timestamps it hands out.

A mixin of SlackStandIn (server.py), which owns the state declared at the top of the class."""

from __future__ import annotations

import itertools
import mimetypes
import threading
import time
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class SlackApiFailure(Exception):
    """An `{"ok": false, "error": ...}` answer, raised by a method handler."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class WebApiMethods:
    """`_api_<method>` for each Web API method the stand-in answers, taking the call's params and returning
    the answer's fields besides "ok"; `add_user` for the people users.info knows."""

    # Set up by SlackStandIn.__init__; every one is guarded by `_cond`.
    team_id: str
    bot_user_id: str
    bot_id: str
    app_id: str
    _cond: threading.Condition
    _users: dict[str, dict[str, Any]]
    _open_conversations: set[str]
    _home_view_ids: dict[str, str]
    _files: dict[str, dict[str, Any]]
    _ids: itertools.count[int]
    _last_ts_micros: int

    @property
    def origin(self) -> str:
        raise NotImplementedError

    def upload_url(self, file_id: str) -> str:
        raise NotImplementedError

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "America/Los_Angeles",
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        email: str | None = None,
        **extra: Any,
    ) -> None:
        """Make `user_id` known to users.info and users.lookupByEmail; `extra` overrides any top-level field."""
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as unknown:
            # A typo in a test's time zone should fail here, not deep in the scheduler.
            raise ValueError(f"unknown time zone {tz!r}") from unknown
        name = name or user_id.lower()
        profile: dict[str, Any] = {
            "real_name": real_name or name,
            "display_name": name,
            "team": self.team_id,
        }
        if email is not None:
            profile["email"] = email
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real_name or name,
            "tz": tz,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": is_restricted,
            "is_ultra_restricted": is_ultra_restricted,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
            "profile": profile,
        }
        user.update(extra)
        with self._cond:
            self._users[user_id] = user

    def _next_id(self, prefix: str) -> str:
        with self._cond:
            return f"{prefix}{next(self._ids):09d}"

    def _next_ts(self) -> str:
        # Slack's ts is seconds.microseconds and unique per channel; strictly increasing covers that.
        with self._cond:
            micros = max(time.time_ns() // 1000, self._last_ts_micros + 1)
            self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _dm_channel(self, channel: str) -> str:
        # Posting to a user id lands in the bot's DM with that user, and Slack answers with the DM's id.
        return "D" + channel if channel[:1] in ("U", "W") else channel

    def _bot_message(self, params: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": params.get("text") or "",
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key) is not None:
                message[key] = params[key]
        return message

    # -- Web API methods: each takes the call's params and returns the answer's fields besides "ok" --

    def _api_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://casebot-standin.slack.com/",
            "team": "casebot stand-in",
            "user": "casebot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _api_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            user = self._users.get(params.get("user", ""))
        if user is None:
            raise SlackApiFailure("user_not_found")
        return {"user": _with_tz_offset(user)}

    def _api_users_lookupByEmail(self, params: dict[str, Any]) -> dict[str, Any]:
        email = str(params.get("email", "")).casefold()
        with self._cond:
            found = [
                u for u in self._users.values() if str(u["profile"].get("email", "")).casefold() == email
            ]
        if not email or not found:
            raise SlackApiFailure("users_not_found")
        return {"user": _with_tz_offset(found[0])}

    def _api_conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("channel"):
            return {"channel": {"id": params["channel"]}}
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if not users:
            raise SlackApiFailure("users_list_not_supplied")
        channel_id = "D" + users[0] if len(users) == 1 else "G" + "".join(sorted(users))
        with self._cond:
            already = channel_id in self._open_conversations
            self._open_conversations.add(channel_id)
        return {"no_op": already, "already_open": already, "channel": {"id": channel_id}}

    def _api_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            raise SlackApiFailure("channel_not_found")
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise SlackApiFailure("no_text")
        channel = self._dm_channel(params["channel"])
        ts = self._next_ts()
        return {"channel": channel, "ts": ts, "message": self._bot_message(params, ts)}

    def _api_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            raise SlackApiFailure("channel_not_found")
        if not params.get("user"):
            raise SlackApiFailure("user_not_in_channel")
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise SlackApiFailure("no_text")
        return {"message_ts": self._next_ts()}

    def _api_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            raise SlackApiFailure("channel_not_found")
        if not params.get("ts"):
            raise SlackApiFailure("message_not_found")
        ts = params["ts"]
        return {
            "channel": params["channel"],
            "ts": ts,
            "text": params.get("text") or "",
            "message": self._bot_message(params, ts),
        }

    def _api_chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            raise SlackApiFailure("channel_not_found")
        if not params.get("ts"):
            raise SlackApiFailure("message_not_found")
        return {"channel": params["channel"], "ts": params["ts"]}

    def _api_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            raise SlackApiFailure("invalid_trigger_id")
        return {"view": self._view(params, self._next_id("V"))}

    def _api_views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._api_views_open(params)

    def _api_views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        if not (params.get("view_id") or params.get("external_id")):
            raise SlackApiFailure("not_found")
        return {"view": self._view(params, params.get("view_id") or self._next_id("V"))}

    def _api_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = params.get("user_id")
        if not user_id:
            raise SlackApiFailure("invalid_arguments")
        # Each user has one Home tab, so republishing keeps its view id, as Slack does.
        with self._cond:
            if user_id not in self._home_view_ids:
                self._home_view_ids[user_id] = self._next_id("V")
            view_id = self._home_view_ids[user_id]
        return {"view": self._view(params, view_id)}

    def _view(self, params: dict[str, Any], view_id: str) -> dict[str, Any]:
        view = params.get("view")
        if not isinstance(view, dict):
            raise SlackApiFailure("invalid_arguments")
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": view.get("type", "modal"),
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", params.get("external_id", "")),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{view_id}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": self.app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    def _api_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        filename = params.get("filename")
        length = params.get("length")
        if not filename or length is None:
            raise SlackApiFailure("invalid_arguments")
        file_id = self._next_id("F")
        with self._cond:
            self._files[file_id] = {"name": filename, "size": None}
        return {"upload_url": self.upload_url(file_id), "file_id": file_id}

    def _api_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = params.get("files")
        if not isinstance(wanted, list) or not wanted:
            raise SlackApiFailure("invalid_arguments")
        channels = [c for c in [params.get("channel_id"), *str(params.get("channels", "")).split(",")] if c]
        now = int(time.time())
        answered = []
        for item in wanted:
            with self._cond:
                upload = self._files.get(str(item.get("id")))
            if upload is None or upload["size"] is None:
                raise SlackApiFailure("file_not_found")
            name = upload["name"]
            answered.append(
                {
                    "id": item["id"],
                    "created": now,
                    "timestamp": now,
                    "name": name,
                    "title": item.get("title") or name,
                    "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
                    "filetype": name.rsplit(".", 1)[-1].lower() if "." in name else "binary",
                    "user": self.bot_user_id,
                    "size": upload["size"],
                    "channels": channels,
                    "url_private": f"{self.origin}/files/{item['id']}/{quote(name)}",
                    "permalink": f"{self.origin}/files/{item['id']}",
                }
            )
        return {"files": answered}


def _with_tz_offset(user: dict[str, Any]) -> dict[str, Any]:
    # Offsets move with daylight saving, so work them out when asked, like Slack does.
    now = datetime.now(ZoneInfo(user["tz"]))
    offset = now.utcoffset()
    return {
        **user,
        "tz_label": now.tzname() or user["tz"],
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
    }
