"""What every route declares in its `opt`: its operation in the contract, and the permission the guard enforces.

Everything else about the operation (audit event, where it names teams, status codes) is read from the table of
operations (`app.api.operations`), which reads `openapi/iris.yaml`.
"""

from __future__ import annotations

from typing import Any

from app.api.operations import PUBLIC, Operation, by_id

__all__ = ["OPERATION", "PERMISSION", "PUBLIC", "operation", "operation_of"]

OPERATION = "operation"
PERMISSION = "permission"


def operation(operation_id: str, *, public: bool = False) -> dict[str, Any]:
    """A route's `opt`: its `operationId` and the contract's permission (`public`: served without a key)."""
    return {OPERATION: operation_id, PERMISSION: PUBLIC if public else by_id(operation_id).permission}


def operation_of(opt: dict[str, Any] | None) -> Operation | None:
    """The operation a route's `opt` declares (None for routes outside the contract)."""
    operation_id = (opt or {}).get(OPERATION)
    return by_id(str(operation_id)) if operation_id is not None else None
