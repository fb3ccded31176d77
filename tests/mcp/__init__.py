"""Iris over MCP: /mcp for hosts, Iris's tools inside the teams, and the commands and examples for people."""
