"""Storage: the engine and its sessions, migrations, maintenance and the queries."""
