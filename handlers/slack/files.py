"""A file for one person: uploaded into their DM with casebot and nowhere else (files_upload_v2, `files:write`)."""

from __future__ import annotations

from slack_sdk import WebClient


def upload_to_dm(
    client: WebClient, user_id: str, content: bytes, *, filename: str, title: str, comment: str
) -> str:
    """Open (or find) the bot's DM with the person, upload the file there, and answer its file id.

    files_upload_v2 is three calls: files.getUploadURLExternal, the upload, files.completeUploadExternal with
    the DM as its only channel; until the last one the file is shared with no one."""
    channel = str(client.conversations_open(users=user_id)["channel"]["id"])
    response = client.files_upload_v2(
        channel=channel, content=content, filename=filename, title=title, initial_comment=comment
    )
    file = response.get("file") or {}
    return str(file.get("id") or "")
