"""The app `litestar` discovers in the repository: cheap to make, so `litestar iris ...` and `litestar --help` need
neither the engine nor the API; the commands that need the real app (`run`, `routes`, `info`, `schema`, ...) build
it from its factory when one of them starts."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence

import click
from litestar import Litestar
from litestar.cli._utils import LitestarEnv
from litestar.plugins import CLIPlugin

from app.api.mcp.cli import mcp
from app.auth.cli import IrisCLIPlugin
from app.cli.init import init
from app.cli.tell import tell

__all__ = ["NO_APP_COMMANDS", "RealAppOnDemand", "cli_app"]

NO_APP_COMMANDS = frozenset({"iris", "version"})
"""The `litestar` commands that run without the real app."""


class RealAppOnDemand(CLIPlugin):
    """Before any `litestar` command but `NO_APP_COMMANDS` reads its command line, swaps the discovered cheap app
    for the real one (`factory`, a `module:function` path) and lets the real app's CLI plugins set the command up
    (`litestar run` takes its defaults from the config), so that command and the server it starts see the real
    app."""

    __slots__ = ("factory",)

    def __init__(self, factory: str) -> None:
        self.factory = factory

    def on_cli_init(self, cli: click.Group) -> None:
        """Make every command that needs the app build the real one first."""
        for name, command in cli.commands.items():
            if name not in NO_APP_COMMANDS:
                self._before(command)

    def _before(self, command: click.Command) -> None:
        parse_args = command.parse_args

        def parse(ctx: click.Context, args: list[str]) -> list[str]:
            self.load(ctx)
            return parse_args(ctx, args)

        command.parse_args = parse  # type: ignore[method-assign]

    def load(self, ctx: click.Context) -> None:
        """Put the real app into the CLI's environment, unless it holds another app than the cheap one."""
        root = ctx.find_root()
        env = root.obj
        if not isinstance(env, LitestarEnv) or not any(plugin is self for plugin in env.app.plugins.cli):
            return
        module, name = self.factory.split(":")
        factory: Callable[[], Litestar] = getattr(importlib.import_module(module), name)
        env.app = factory()
        env.app_path, env.is_app_factory = self.factory, True
        os.environ["LITESTAR_APP"] = self.factory
        if isinstance(root.command, click.Group):
            for plugin in env.app.plugins.cli:
                plugin.on_cli_init(root.command)


def cli_app(factory: str, commands: Sequence[click.Command] = (mcp, init, tell)) -> Litestar:
    """A Litestar app with no routes whose plugins bring `litestar iris ...` (with `commands`) and the real app,
    made by `factory`, for the other commands."""
    return Litestar(
        route_handlers=[],
        openapi_config=None,
        plugins=[IrisCLIPlugin(commands=commands), RealAppOnDemand(factory)],
    )
