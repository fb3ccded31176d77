"""Tool-use permission requests of teams with grantPermission ask."""
