"""A bare Litestar app with the Iris CLI plugin, standing in for the real app in CLI tests."""

from litestar import Litestar

from app.auth.cli import IrisCLIPlugin

app = Litestar(route_handlers=[], plugins=[IrisCLIPlugin()])
