"""Iris over MCP: the contract's operations as MCP tools, at `/mcp` and for the teams' own processes."""
