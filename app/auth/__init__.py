"""API keys, permissions, rate limits and the audit log: pure logic the HTTP layer calls."""
