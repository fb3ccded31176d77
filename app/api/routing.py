"""What every route declares in its `opt`: its operation in the contract, its permission and its status codes.

A guard reads `opt["permission"]`; the drift and permission tests compare all three with
`openapi/iris.yaml` (`operationId`, `x-iris-permission`, the documented responses).
"""

from __future__ import annotations

from typing import Any

__all__ = ["OPERATION", "PERMISSION", "PUBLIC", "STATUSES", "operation"]

OPERATION = "operation"
PERMISSION = "permission"
STATUSES = "statuses"
PUBLIC = "none"
"""The permission of a route that needs no credentials (the contract's `x-iris-permission: none`)."""


def operation(operation_id: str, permission: str, *statuses: int) -> dict[str, Any]:
    """A route's `opt`: its `operationId`, the permission it needs, and every status code it may answer."""
    return {OPERATION: operation_id, PERMISSION: permission, STATUSES: frozenset(statuses)}
