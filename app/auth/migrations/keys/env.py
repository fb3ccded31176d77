"""Alembic environment of the key store."""

from app.auth.db import run_env
from app.auth.models import ApiKeyRow

run_env(ApiKeyRow.metadata)
