"""Dependencies of the controllers: the engine, strictly decoded JSON bodies and the caller."""

from __future__ import annotations

import contextlib
import functools
import re
from typing import Any, TypeVar, cast

import msgspec
import msgspec.inspect
from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import InternalServerException

from app.api.errors import ClientGone, validation_error
from app.config import EXTERNAL
from app.engine import Engine
from app.engine.checks import unknown_team
from app.errors import IrisError, ValidationError

__all__ = ["caller", "decoded_body", "given", "json_body", "json_object", "provide_engine", "read_body"]

S = TypeVar("S", bound=msgspec.Struct)
T = TypeVar("T")


def provide_engine(state: State) -> Engine:
    """The engine the lifespan started (one per app)."""
    return cast(Engine, state.engine)


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _json_numbers(value: Any) -> Any:
    """JSON Schema's integers include 2942.0: integral floats become ints (a float field still takes them)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _json_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_numbers(item) for item in value]
    return value


@functools.cache
def _uuid_fields(model: type[msgspec.Struct]) -> dict[str, str]:
    """The JSON names of the model's UUID fields."""
    info = msgspec.inspect.type_info(model)
    found = {}
    if isinstance(info, msgspec.inspect.StructType):
        for item in info.fields:
            kinds = item.type.types if isinstance(item.type, msgspec.inspect.UnionType) else (item.type,)
            kinds = tuple(k.type if isinstance(k, msgspec.inspect.Metadata) else k for k in kinds)
            if any(isinstance(kind, msgspec.inspect.UUIDType) for kind in kinds):
                found[item.encode_name] = item.encode_name
    return found


_DECODED = "iris.body"
"""Where a request's decoded JSON body is kept in its scope's state (decoded once, read by guard and handler)."""
_EMPTY = object()
"""The decoded form of an empty body."""


async def decoded_body(request: Request[Any, Any, Any]) -> Any:
    """The request's JSON body, decoded once per request (integral numbers as ints); an empty body is `_EMPTY`.

    Raises msgspec.DecodeError or RecursionError (nested too deeply) for a body that is not JSON, every time it
    is asked for; reading the body enforces the app's request_max_body_size (413).
    """
    state = request.scope.setdefault("state", {})
    if _DECODED not in state:
        try:
            raw = await request.body()
        except InternalServerException:  # what Litestar raises when the client hangs up mid-body
            raise ClientGone from None
        try:  # (whitespace alone is no JSON document: the decoder refuses it)
            state[_DECODED] = (_json_numbers(msgspec.json.decode(raw)) if raw else _EMPTY), None
        except (msgspec.DecodeError, RecursionError) as refused:
            state[_DECODED] = None, refused
    value, failure = state[_DECODED]
    if failure is not None:
        raise failure
    return value


async def json_object(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The request's JSON body when it is an object, else empty (a bad body is left to the handler's 400)."""
    with contextlib.suppress(msgspec.DecodeError, RecursionError, IrisError):
        data = await decoded_body(request)
        if isinstance(data, dict):
            return data
    return {}


async def read_body(request: Request[Any, Any, Any], model: type[S], *, required: bool) -> S:
    """The request body decoded strictly into `model` (no type coercion; unknown fields rejected).

    Litestar's own body parsing converts loosely ("5" would pass as 5), so bodies are decoded here instead
    (once per request: `decoded_body`). UUIDs must be spelled as JSON Schema's `format: uuid` has them
    (hyphenated), and integral numbers such as 30000.0 count as integers, as in JSON.
    """
    try:
        data = await decoded_body(request)
        if data is _EMPTY:
            if required:
                raise ValidationError("A JSON request body is required", {"field": "body"})
            return model()
        if isinstance(data, dict):
            for name in _uuid_fields(model):
                value = data.get(name)
                if isinstance(value, str) and not _UUID.match(value):
                    raise ValidationError(f"{name}: expected a UUID (8-4-4-4-12 hex digits)", {"field": name})
        return msgspec.convert(data, type=model)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise validation_error(error) from None
    except RecursionError:  # msgspec's (and Python's) nesting limit
        raise ValidationError("body: JSON nested too deeply", {"field": "body"}) from None


def json_body(model: type[msgspec.Struct], *, required: bool = True) -> Provide:
    """A dependency providing the request body as `model` (an empty body is `model()` unless required)."""

    async def provide_payload(request: Request[Any, Any, Any]) -> Any:
        return await read_body(request, model, required=required)

    return Provide(provide_payload)


def given(value: T | msgspec.UnsetType) -> T | None:
    """An optional body field: None when it was left out."""
    return None if isinstance(value, msgspec.UnsetType) else value


def caller(engine: Engine, from_team: str | msgspec.UnsetType | None) -> str | None:
    """`fromTeam` as given (None for the default caller), after checking that it names a configured team.

    The contract answers an unknown caller with 404 TeamNotFoundError, naming `fromTeam`.
    """
    if from_team is None or from_team is msgspec.UNSET:
        return None
    name = from_team
    if name != EXTERNAL and engine.config.team(name) is None:
        raise unknown_team(engine.config, name, "fromTeam")
    return name
