"""Authentication, authorization, rate limiting and the audit log, wired into the REST and stream layers."""
