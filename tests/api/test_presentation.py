"""What the API shows people: the clock's formats and the command that continues a fork."""

from __future__ import annotations

import datetime
import shlex
import uuid

from app.api import models as m
from app.api.presentation import clock_reading, fork_command
from app.api.status.mappers import date_response
from app.clock import utcnow


def test_the_clock_in_every_format_of_the_contract() -> None:
    at = datetime.datetime(2025, 1, 16, 13, 4, 5, 678000, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert clock_reading(at) == {
        "iso": "2025-01-16T12:04:05.678000Z",
        "unixMs": 1737029045678,
        "unix": 1737029045,
        "rfc2822": "Thu, 16 Jan 2025 12:04:05 +0000",
        "date": "2025-01-16",
        "time": "12:04:05",
        "weekday": "Thursday",
        "timezone": "UTC",
    }
    now = clock_reading(utcnow())
    assert now["iso"].endswith("Z") and isinstance(date_response(now), m.DateResponse)


def test_the_fork_command_resumes_the_original_as_the_fork_from_its_folder() -> None:
    original, fork = uuid.uuid4(), uuid.uuid4()
    command = fork_command("/srv/teams/my team", original, fork)
    assert shlex.split(command) == [
        "cd",
        "/srv/teams/my team",
        "&&",
        "claude",
        "--resume",
        str(original),
        "--fork-session",
        "--session-id",
        str(fork),
    ]
