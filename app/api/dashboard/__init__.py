"""The browser dashboard: its committed build served at `dashboard.path`, and on `dashboard.port` when set."""
