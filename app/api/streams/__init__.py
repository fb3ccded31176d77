"""Live events over Server-Sent Events and the WebSocket, carried between instances by Litestar channels.

What an app needs, and nothing else:

    from app.api.streams import StreamAccess, streams_plugins

    Litestar(..., plugins=[*streams_plugins(config, access)])

`streams_plugins` returns Litestar's `ChannelsPlugin` (memory, or Redis with `channels.backend: redis`) and the
`StreamsPlugin`, which adds `GET /api/events`, `POST /api/teams/tell/stream` and the WebSocket `/ws`, and
binds the channels to the engine that the app's lifespan put in `app.state.engine`. `access` (a
`StreamAccess`) says how keys are checked; without one, `api.requireAuth: false` allows everything and
`api.requireAuth: true` refuses everything.
"""

from app.api.auth.access import OPEN, Identity, KeyIdentity, StreamAccess, as_identity
from app.api.streams.layer import StreamLayer, StreamSettings
from app.api.streams.plugin import StreamsPlugin, streams_plugins

__all__ = [
    "OPEN",
    "Identity",
    "KeyIdentity",
    "StreamAccess",
    "StreamLayer",
    "StreamSettings",
    "StreamsPlugin",
    "as_identity",
    "streams_plugins",
]
