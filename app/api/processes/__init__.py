"""Claude Code processes: wake, launch, sleep, wake-all."""
