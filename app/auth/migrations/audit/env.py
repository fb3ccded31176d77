"""Alembic environment of the audit log."""

from app.auth.db import run_env
from app.auth.models import AuditRow

run_env(AuditRow.metadata)
