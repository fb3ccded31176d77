"""The MCP tools, derived from the contract: one per operation with `x-iris-mcp-tool`, its input and output
schemas read from the operation's parameters, request body and 2xx response (`$ref`s resolved).

A tool's input is one object: the operation's path and query parameters and the fields of its JSON body, by
their contract names (`toTeam`, `message`, `fromTeam`, `timeout`, `team`, `force`, `parallel`, ...). Its output
is the 2xx response's schema; a response that is not an object would be wrapped as `{"result": ...}` (MCP wants
an object), and several different 2xx schemas become one `anyOf`.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from app.api.operations import Operation, operations
from app.spec import spec_document

__all__ = ["RESULT", "ToolSpec", "derive", "tool", "tools"]

RESULT = "result"
"""The property that holds a response that is not an object."""

Place = Literal["path", "query", "body"]


@dataclass(frozen=True)
class ToolSpec:
    """One MCP tool: its name, what it does, and the JSON Schemas of its input and output."""

    name: str
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    operation_id: str
    permission: str
    """The permission its operation needs."""
    places: Mapping[str, Place]
    """Where each argument goes in the request: a path or query parameter, or a field of the JSON body."""
    body: bool
    """Whether the operation takes a JSON body (sent, possibly empty, on every call)."""
    wrapped: bool = False
    """Whether the response is not an object and the output is `{"result": <response>}`."""


def _resolve(spec: dict[str, Any], node: Any, stack: tuple[str, ...] = ()) -> Any:
    """`node` with every local `$ref` replaced by a copy of what it points at (sibling keys kept over it)."""
    if isinstance(node, list):
        return [_resolve(spec, item, stack) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if not ref.startswith("#/") or ref in stack:
            raise ValueError(f"cannot inline {ref} (not local, or recursive)")
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        resolved = _resolve(spec, target, (*stack, ref))
        siblings = {key: _resolve(spec, value, stack) for key, value in node.items() if key != "$ref"}
        return {**resolved, **siblings} if isinstance(resolved, dict) else resolved
    return {key: _resolve(spec, value, stack) for key, value in node.items()}


def _input(spec: dict[str, Any], item: dict[str, Any], op: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Place]]:
    """The input schema of an operation, and where each argument goes."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    places: dict[str, Place] = {}
    for parameter in (_resolve(spec, p) for p in [*item.get("parameters", []), *op.get("parameters", [])]):
        where, name = parameter["in"], parameter["name"]
        if where not in ("path", "query"):
            continue
        schema = copy.deepcopy(parameter.get("schema", {}))
        if parameter.get("description") and "description" not in schema:
            schema["description"] = parameter["description"]
        properties[name] = schema
        places[name] = where
        if parameter.get("required") or where == "path":
            required.append(name)
    if "requestBody" in op:
        body = _resolve(spec, op["requestBody"])
        schema = body.get("content", {}).get("application/json", {}).get("schema", {})
        extra = set(schema) - {"type", "properties", "required", "additionalProperties", "description", "examples"}
        if extra:
            raise ValueError(f"{op['operationId']}: a request body with {sorted(extra)} is not one object of fields")
        for name, field in (schema.get("properties") or {}).items():
            if name in places:
                raise ValueError(f"{op['operationId']}: {name} is both a parameter and a body field")
            properties[name] = field
            places[name] = "body"
        required.extend(name for name in schema.get("required", ()) if name not in required)
    result: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        result["required"] = required
    return result, places


def _output(spec: dict[str, Any], op: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The output schema of an operation (its 2xx JSON), and whether it is wrapped as `{"result": ...}`."""
    schemas: list[dict[str, Any]] = []
    for code, response in (op.get("responses") or {}).items():
        if not str(code).startswith("2"):
            continue
        content = _resolve(spec, response).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            raise ValueError(f"{op['operationId']}: the {code} answer is not JSON")
        if schema not in schemas:
            schemas.append(schema)
    if not schemas:
        raise ValueError(f"{op['operationId']}: no 2xx answer")
    resolved = [_resolve(spec, schema) for schema in schemas]
    if all(schema.get("type") == "object" for schema in resolved):
        return (resolved[0] if len(resolved) == 1 else {"type": "object", "anyOf": resolved}), False
    inner = resolved[0] if len(resolved) == 1 else {"anyOf": resolved}
    return {"type": "object", "properties": {RESULT: inner}, "required": [RESULT], "additionalProperties": False}, True


def _description(op: dict[str, Any], permission: str) -> str:
    """A tool's description: the operation's summary and description, and the permission it needs."""
    text = str(op.get("summary") or "").strip().rstrip(".") + "."
    more = str(op.get("description") or "").strip()
    if more:
        text += "\n\n" + more
    return f"{text}\n\nNeeds the permission {permission} (REST: {op['x-iris-method']} {op['x-iris-path']})."


def derive(spec: dict[str, Any], operation: Operation) -> ToolSpec:
    """The tool of one operation of the contract `spec` (ValueError when it cannot be one)."""
    item = spec["paths"][operation.path]
    op = dict(item[operation.method.lower()], **{"x-iris-method": operation.method, "x-iris-path": operation.path})
    if operation.tool is None:
        raise ValueError(f"{operation.operation_id}: no x-iris-mcp-tool")
    input_schema, places = _input(spec, item, op)
    output_schema, wrapped = _output(spec, op)
    return ToolSpec(
        name=operation.tool,
        description=_description(op, operation.permission),
        input_schema=input_schema,
        output_schema=output_schema,
        operation_id=operation.operation_id,
        permission=operation.permission,
        places=places,
        body="requestBody" in op,
        wrapped=wrapped,
    )


@functools.cache
def _tools() -> tuple[ToolSpec, ...]:
    """Every tool of the contract."""
    return tuple(derive(spec_document(), op) for op in operations() if op.tool is not None)


def tools() -> list[ToolSpec]:
    """Every tool, in the contract's order."""
    return list(_tools())


@functools.cache
def _by_name() -> dict[str, ToolSpec]:
    """The tools by name."""
    return {spec.name: spec for spec in tools()}


def tool(name: str) -> ToolSpec | None:
    """The tool of this name (None: no such tool)."""
    return _by_name().get(name)
