"""The services lane: the core (bot/services, bot/delivery, storage) on a real database, SQLite always and
PostgreSQL when TEST_DATABASE_URL is set, through the `firm` fixture; no Slack payloads."""
