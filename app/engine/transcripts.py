"""Claude Code's transcripts of sessions: found by session id under its config folder, deleted with their session."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from app.config import TeamConfig


def find_transcript(session_id: uuid.UUID, team: TeamConfig | None) -> Path | None:
    """Claude Code's transcript of a session, found by id under `<config dir>/projects/*/`."""
    env = team.env if team is not None else {}
    config_dir = env.get("CLAUDE_CONFIG_DIR") or os.environ.get("CLAUDE_CONFIG_DIR")
    if config_dir:
        root = Path(config_dir).expanduser()
    else:
        home = env.get("HOME") or os.environ.get("HOME") or str(Path.home())
        root = Path(home).expanduser() / ".claude"
    for match in (root / "projects").glob(f"*/{session_id}.jsonl"):
        return match
    return None


def delete_transcript(session_id: uuid.UUID, team: TeamConfig | None) -> bool:
    """Delete a session's transcript and the folder of its companions; returns whether there was one."""
    transcript = find_transcript(session_id, team)
    if transcript is None:
        return False
    transcript.unlink(missing_ok=True)
    companion = transcript.with_suffix("")
    if companion.is_dir():
        shutil.rmtree(companion, ignore_errors=True)
    return True
