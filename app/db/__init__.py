"""The sessions and tells store (SQLite by default, PostgreSQL by URL)."""
