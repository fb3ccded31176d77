"""Team status, system status, health, logs and the server's clock."""
