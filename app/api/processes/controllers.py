"""Claude Code processes of caller → team pairs: wake, launch, sleep, and wake-all."""

from __future__ import annotations

import time

from litestar import Controller, Response, post

from app.api import models as m
from app.api.convert import to_model
from app.api.deps import caller, json_body
from app.api.params import TeamPath
from app.api.processes.mappers import wake_all_response, wake_response
from app.api.routing import operation
from app.engine import Engine

__all__ = ["ProcessesController"]


def _ms_since(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


class ProcessesController(Controller):
    """Start and stop the pair's process, or every team's for one caller."""

    path = "/teams"
    tags = ["processes"]

    @post(
        "/{team:str}/wake",
        opt=operation("wakeTeam"),
        dependencies={"payload": json_body(m.WakeRequest, required=False)},
        status_code=200,
    )
    async def wake(self, engine: Engine, team: TeamPath, payload: m.WakeRequest) -> m.WakeResponse:
        """Ensure the pair's process is ready, starting it if needed, and wait for it."""
        start = time.monotonic()
        from_team = caller(engine, payload.from_team)
        return wake_response(await engine.wake(team, from_team=from_team), _ms_since(start))

    @post(
        "/{team:str}/launch",
        opt=operation("launchTeam"),
        dependencies={"payload": json_body(m.WakeRequest, required=False)},
        status_code=202,
    )
    async def launch(self, engine: Engine, team: TeamPath, payload: m.WakeRequest) -> Response[m.LaunchResponse]:
        """Start the pair's process without waiting (202)."""
        result = await engine.launch(team, from_team=caller(engine, payload.from_team))
        return Response(to_model(result, m.LaunchResponse), status_code=202)

    @post(
        "/{team:str}/sleep",
        opt=operation("sleepTeam"),
        dependencies={"payload": json_body(m.SleepRequest, required=False)},
        status_code=200,
    )
    async def sleep(self, engine: Engine, team: TeamPath, payload: m.SleepRequest) -> m.SleepResponse:
        """Put the pair's process to sleep (with `force`, cancelling its running tell first)."""
        result = await engine.sleep(team, from_team=caller(engine, payload.from_team), force=payload.force is True)
        return to_model(result, m.SleepResponse)

    @post(
        "/wake-all",
        opt=operation("wakeAll"),
        dependencies={"payload": json_body(m.WakeAllRequest, required=False)},
        status_code=200,
    )
    async def wake_all(self, engine: Engine, payload: m.WakeAllRequest) -> m.WakeAllResponse:
        """Wake every configured team for one caller, one after another or in parallel."""
        start = time.monotonic()
        result = await engine.wake_all(from_team=caller(engine, payload.from_team), parallel=payload.parallel is True)
        return wake_all_response(result, _ms_since(start))
