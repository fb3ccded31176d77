"""One caller → team conversation: cancel, reboot, delete, fork, compact, report."""
