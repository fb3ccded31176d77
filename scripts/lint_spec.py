#!/usr/bin/env python3
"""Lint openapi/iris.yaml: the hand-written API contract.

Checks, in order:
  1. it is valid OpenAPI 3.1 (openapi-spec-validator);
  2. every example (media types, schemas, parameters, headers) validates
     against its schema (JSON Schema 2020-12, formats checked);
  3. the project's conventions: operationId (camelCase, unique), tags,
     summary and x-iris-permission on every operation; x-iris-audit (an
     AuditEventType) on exactly the operations that change state; x-iris-team
     naming only declared path/query parameters and body fields; the
     x-iris-subscription-permissions and x-websocket permissions and audit
     events known; x-iris-mcp-tool snake_case, unique, and only on operations
     that need a permission short of admin and answer JSON (no streams); an example on every
     request body and response; closed request objects; the Error shape on
     every non-2xx response; 401/403/429/500 on authenticated operations (403
     not on those any valid key may use), 413
     on operations with a body; limit/cursor on every paged listing; links
     resolve;
  4. schemathesis loads it and builds its stateful test machine (links).

Usage: python scripts/lint_spec.py [path/to/spec.yaml]   (exit 1 on problems)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "openapi" / "iris.yaml"

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
ERROR_REF = "#/components/schemas/Error"


def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        spec: dict[str, Any] = yaml.safe_load(f)
    return spec


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local $refs until a non-reference node."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            raise ValueError(f"cannot resolve {ref}")
        seen.add(ref)
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def check_validity(path: Path, problems: list[str]) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    spec_dict, base_uri = read_from_filename(str(path))
    try:
        validate(spec_dict, base_uri=base_uri)
    except Exception as exc:  # report any validator failure
        problems.append(f"OpenAPI 3.1 validation: {exc}")


def check_examples(spec: dict[str, Any], problems: list[str]) -> int:
    import jsonschema  # type: ignore[import-untyped]
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    uri = "urn:iris:openapi"
    registry = Registry().with_resource(uri, Resource.from_contents(spec, default_specification=DRAFT202012))
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    count = 0

    def validate(where: str, schema: Any, instance: Any) -> None:
        nonlocal count
        count += 1
        if isinstance(schema, dict) and "$ref" in schema and schema["$ref"].startswith("#/"):
            schema = {"$ref": uri + schema["$ref"]}
        else:
            schema = {"$defs": {}, "allOf": [_rebase(schema, uri)]}
        validator = jsonschema.Draft202012Validator(schema, registry=registry, format_checker=checker)
        for err in validator.iter_errors(instance):
            loc = "/".join(str(p) for p in err.absolute_path)
            problems.append(f"example {where} at /{loc}: {err.message}")

    def media(where: str, content: dict[str, Any]) -> None:
        for mtype, m in (content or {}).items():
            if mtype == "text/event-stream":
                sse(where, m)
                continue
            if "example" in m:
                validate(f"{where} {mtype}", m.get("schema", {}), m["example"])
            for name, ex in (m.get("examples") or {}).items():
                ex = resolve(spec, ex)
                if "value" in ex:
                    validate(f"{where} {mtype} examples.{name}", m.get("schema", {}), ex["value"])

    def sse(where: str, m: dict[str, Any]) -> None:
        """Each SSE example message: `event:` listed in x-sse-events, `data:` a ServerEvent of that name."""
        declared = m.get("x-sse-events") or {}
        if not declared:
            problems.append(f"{where}: text/event-stream without x-sse-events")
        mapping = resolve(spec, {"$ref": "#/components/schemas/ServerEvent"})["discriminator"]["mapping"]
        for name, data_schema in declared.items():
            envelope = mapping.get(name)
            if envelope is None:
                problems.append(f"{where}: x-sse-events {name!r} is not a ServerEvent")
                continue
            expected = resolve(spec, {"$ref": envelope})["properties"]["data"]
            if expected != data_schema:
                problems.append(f"{where}: x-sse-events {name!r} is {data_schema}, ServerEvent says {expected}")
        for block in str(m.get("example", "")).split("\n\n"):
            fields: dict[str, str] = {}
            for line in block.strip().splitlines():
                key, _, value = line.partition(":")
                fields[key] = value.strip()
            if not fields:
                continue
            try:
                payload = json.loads(fields.get("data", ""))
            except ValueError as exc:
                problems.append(f"{where}: SSE example data is not JSON: {exc}")
                continue
            name = fields.get("event")
            if name not in declared:
                problems.append(f"{where}: SSE example event {name!r} not in x-sse-events")
            if payload.get("event") != name:
                problems.append(f"{where}: SSE example event {name!r} but envelope says {payload.get('event')!r}")
            validate(f"{where} SSE {name}", {"$ref": "#/components/schemas/ServerEvent"}, payload)

    for p, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            label = f"{method.upper()} {p}"
            if "requestBody" in op:
                media(f"{label} requestBody", resolve(spec, op["requestBody"]).get("content"))
            for code, resp in op.get("responses", {}).items():
                if "$ref" not in resp:
                    media(f"{label} {code}", resp.get("content"))
            for prm in op.get("parameters", []):
                prm = resolve(spec, prm)
                if "example" in prm:
                    validate(f"{label} parameter {prm['name']}", prm.get("schema", {}), prm["example"])
    comps = spec.get("components", {})
    for name, resp in comps.get("responses", {}).items():
        media(f"components.responses.{name}", resp.get("content"))
    for name, hdr in comps.get("headers", {}).items():
        if "example" in hdr:
            validate(f"components.headers.{name}", hdr.get("schema", {}), hdr["example"])
    for name, schema in comps.get("schemas", {}).items():
        for i, ex in enumerate(schema.get("examples", []) or []):
            validate(f"components.schemas.{name}.examples[{i}]", {"$ref": f"#/components/schemas/{name}"}, ex)
    return count


def _rebase(node: Any, uri: str) -> Any:
    """Point local refs of an inline schema at the registered spec."""
    if isinstance(node, dict):
        return {
            k: (uri + v if k == "$ref" and isinstance(v, str) and v.startswith("#/") else _rebase(v, uri))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v, uri) for v in node]
    return node


def _closed_objects(spec: dict[str, Any], schema: Any, where: str, problems: list[str], seen: set[int]) -> None:
    """Every object schema reachable from a request body must forbid unknown fields."""
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    schema = resolve(spec, schema)
    if not isinstance(schema, dict) or id(schema) in seen:
        return
    seen.add(id(schema))
    here = f"{where} ({ref})" if ref else where
    is_object = schema.get("type") == "object" or "properties" in schema
    if is_object and schema.get("additionalProperties") is not False:
        problems.append(f"{here}: request object without additionalProperties: false")
    for sub in (schema.get("properties") or {}).values():
        _closed_objects(spec, sub, where, problems, seen)
    for key in ("items",):
        if isinstance(schema.get(key), dict):
            _closed_objects(spec, schema[key], where, problems, seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []) or []:
            _closed_objects(spec, sub, where, problems, seen)


def check_conventions(spec: dict[str, Any], problems: list[str]) -> int:
    tags = {t["name"] for t in spec.get("tags", [])}
    # x-iris-permission: one of the Permission enum's values, `none` (unauthenticated routes only) or
    # `authenticated` (any valid key)
    permissions = {*spec["components"]["schemas"]["Permission"]["enum"], "none", "authenticated"}
    op_ids: dict[str, str] = {}
    global_security = spec.get("security")
    count = 0
    for p, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            count += 1
            label = f"{method.upper()} {p}"
            oid = op.get("operationId")
            if not oid or not CAMEL.match(oid):
                problems.append(f"{label}: operationId missing or not camelCase: {oid!r}")
            elif oid in op_ids:
                problems.append(f"{label}: operationId {oid} also used by {op_ids[oid]}")
            else:
                op_ids[oid] = label
            if not op.get("tags") or not set(op["tags"]) <= tags:
                problems.append(f"{label}: tags {op.get('tags')} not among declared tags")
            if not op.get("summary"):
                problems.append(f"{label}: no summary")
            perm = op.get("x-iris-permission")
            if perm not in permissions:
                problems.append(f"{label}: x-iris-permission {perm!r} is not a known permission")
            check_operation_facts(spec, label, item, op, problems)
            security = op.get("security", global_security)
            authenticated = bool(security)
            if (perm == "none") == authenticated:
                problems.append(f"{label}: x-iris-permission {perm!r} disagrees with security {security!r}")

            responses = op.get("responses", {})
            if "requestBody" in op:
                body = resolve(spec, op["requestBody"])
                for mtype, m in body.get("content", {}).items():
                    if "example" not in m and "examples" not in m:
                        problems.append(f"{label}: request body {mtype} has no example")
                    _closed_objects(spec, m.get("schema", {}), f"{label} request body", problems, set())
                if "413" not in responses:
                    problems.append(f"{label}: has a body but no 413")
                if "400" not in responses:
                    problems.append(f"{label}: has a body but no 400")
            if authenticated:
                needed = ("401", "429") if perm == "authenticated" else ("401", "403", "429")  # any key passes
                for code in needed:
                    if code not in responses:
                        problems.append(f"{label}: authenticated but no {code}")
            if "500" not in responses:
                problems.append(f"{label}: no 500")
            has_params = bool(op.get("parameters")) or bool(item.get("parameters"))
            if has_params and "400" not in responses:
                problems.append(f"{label}: has parameters but no 400")
            for code, resp in responses.items():
                resp = resolve(spec, resp)
                content = resp.get("content", {})
                if not content:
                    problems.append(f"{label} {code}: no content")
                for mtype, m in content.items():
                    if "example" not in m and "examples" not in m:
                        problems.append(f"{label} {code} {mtype}: no example")
                    if not code.startswith("2"):
                        if mtype != "application/json" or m.get("schema", {}).get("$ref") != ERROR_REF:
                            problems.append(f"{label} {code}: error response is not application/json Error")
                    elif mtype == "application/json":
                        schema = resolve(spec, m.get("schema", {}))
                        props = schema.get("properties", {})
                        if "items" in props and props["items"].get("type") == "array":
                            names = {resolve(spec, prm).get("name") for prm in op.get("parameters", [])}
                            if not {"limit", "cursor"} <= names:
                                problems.append(f"{label} {code}: lists items but lacks limit/cursor")
                            if "nextCursor" not in schema.get("required", []):
                                problems.append(f"{label} {code}: lists items but nextCursor not required")
            for code, resp in responses.items():
                for lname, link in (resolve(spec, resp).get("links") or {}).items():
                    if link.get("operationId") not in op_ids and link.get("operationId") not in _all_op_ids(spec):
                        problems.append(f"{label} {code} link {lname}: unknown operationId {link.get('operationId')}")
    return count


CHANGING = ("post", "put", "patch", "delete")
TEAM_NAMES = ("team", "caller", "session", "request", "permission")
TEAM_WHERE = ("path", "query", "body")


def _audit_events(spec: dict[str, Any]) -> set[str]:
    return set(spec["components"]["schemas"]["AuditEventType"]["enum"])


def _permissions(spec: dict[str, Any]) -> set[str]:
    return {*spec["components"]["schemas"]["Permission"]["enum"], "none"}


def _body_fields(spec: dict[str, Any], op: dict[str, Any]) -> set[str]:
    """The property names of the operation's JSON request body (through $ref, allOf, anyOf, oneOf)."""
    if "requestBody" not in op:
        return set()
    content = resolve(spec, op["requestBody"]).get("content", {})
    found: set[str] = set()
    pending = [m.get("schema", {}) for m in content.values()]
    while pending:
        schema = resolve(spec, pending.pop())
        if isinstance(schema, dict):
            found |= set(schema.get("properties") or {})
            for key in ("allOf", "anyOf", "oneOf"):
                pending.extend(schema.get(key) or [])
    return found


def check_operation_facts(
    spec: dict[str, Any], label: str, item: dict[str, Any], op: dict[str, Any], problems: list[str]
) -> None:
    """x-iris-audit, x-iris-team and x-iris-subscription-permissions of one operation."""
    method = label.split()[0].lower()
    audit = op.get("x-iris-audit")
    if audit is not None and audit not in _audit_events(spec):
        problems.append(f"{label}: x-iris-audit {audit!r} is not an AuditEventType")
    if (audit is None) == (method in CHANGING):
        want = "needs" if method in CHANGING else "does not change state: no"
        problems.append(f"{label}: {want} x-iris-audit")
    params = {
        (prm.get("in"), prm.get("name"))
        for prm in (resolve(spec, p) for p in [*item.get("parameters", []), *op.get("parameters", [])])
    }
    body = _body_fields(spec, op)
    team = op.get("x-iris-team") or {}
    if not isinstance(team, dict):
        problems.append(f"{label}: x-iris-team is not a mapping")
        team = {}
    for name, source in team.items():
        where = f"{label}: x-iris-team.{name}"
        if name not in TEAM_NAMES:
            problems.append(f"{where}: not one of {', '.join(TEAM_NAMES)}")
        if name == "team" and source == "every":
            continue
        place, _, field = str(source).partition(".")
        if place not in TEAM_WHERE or not field:
            problems.append(f"{where}: {source!r} is not path.NAME, query.NAME or body.NAME")
        elif place == "body" and field not in body:
            problems.append(f"{where}: the request body has no field {field}")
        elif place != "body" and (place, field) not in params:
            problems.append(f"{where}: no {place} parameter {field}")
    for channel, permission in (op.get("x-iris-subscription-permissions") or {}).items():
        if ("query", channel) not in params:
            problems.append(f"{label}: x-iris-subscription-permissions.{channel}: no query parameter {channel}")
        if permission not in _permissions(spec) - {"none"}:
            problems.append(f"{label}: x-iris-subscription-permissions.{channel}: unknown permission {permission!r}")


def check_mcp_tools(spec: dict[str, Any], problems: list[str]) -> int:
    """x-iris-mcp-tool: snake_case, unique, on operations that need a permission short of admin and answer JSON."""
    seen: dict[str, str] = {}
    for p, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op or "x-iris-mcp-tool" not in op:
                continue
            label = f"{method.upper()} {p}"
            tool = op["x-iris-mcp-tool"]
            if not isinstance(tool, str) or not SNAKE.match(tool):
                problems.append(f"{label}: x-iris-mcp-tool {tool!r} is not snake_case")
                continue
            if tool in seen:
                problems.append(f"{label}: x-iris-mcp-tool {tool} also used by {seen[tool]}")
            seen[tool] = label
            if op.get("x-iris-permission") in ("admin", "none"):
                problems.append(f"{label}: x-iris-mcp-tool on an operation that needs {op.get('x-iris-permission')!r}")
            for code, resp in op.get("responses", {}).items():
                content = resolve(spec, resp).get("content", {})
                if code.startswith("2") and set(content) != {"application/json"}:
                    problems.append(f"{label}: x-iris-mcp-tool on an operation answering {sorted(content)}")
    return len(seen)


def check_websocket(spec: dict[str, Any], problems: list[str]) -> None:
    """x-websocket: each permission known and named for a client message; each audit event for one of them."""
    websocket = spec.get("x-websocket") or {}
    client = resolve(spec, websocket.get("clientMessages", {}))
    messages = set((client.get("discriminator") or {}).get("mapping") or {})
    permissions = websocket.get("permissions") or {}
    for event, permission in permissions.items():
        if event not in messages:
            problems.append(f"x-websocket.permissions: {event!r} is not a client message")
        if permission not in _permissions(spec) - {"none"}:
            problems.append(f"x-websocket.permissions.{event}: unknown permission {permission!r}")
    for event, audit in (websocket.get("audit") or {}).items():
        if event not in permissions:
            problems.append(f"x-websocket.audit: {event!r} has no permission in x-websocket.permissions")
        if audit not in _audit_events(spec):
            problems.append(f"x-websocket.audit.{event}: {audit!r} is not an AuditEventType")


def _all_op_ids(spec: dict[str, Any]) -> set[str]:
    return {
        op["operationId"]
        for item in spec.get("paths", {}).values()
        for m in METHODS
        if (op := item.get(m)) and "operationId" in op
    }


def check_schemathesis(path: Path, problems: list[str]) -> int:
    import schemathesis

    try:
        schema = schemathesis.openapi.from_path(str(path))
        from schemathesis.core.result import Err

        ops = 0
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                problems.append(f"schemathesis: {result.err()}")
            else:
                ops += 1
        schema.as_state_machine()
    except Exception as exc:
        problems.append(f"schemathesis: {type(exc).__name__}: {exc}")
        return 0
    return ops


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_SPEC
    spec = load(path)
    problems: list[str] = []
    check_validity(path, problems)
    n_examples = check_examples(spec, problems)
    n_ops = check_conventions(spec, problems)
    check_websocket(spec, problems)
    check_mcp_tools(spec, problems)
    n_st = check_schemathesis(path, problems)
    for p in problems:
        print(f"  - {p}")
    status = "FAILED" if problems else "OK"
    print(
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {status} - "
        f"{n_ops} operations, {n_examples} examples checked, schemathesis loaded {n_st} operations, "
        f"{len(problems)} problem(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
