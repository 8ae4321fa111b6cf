"""The Slack lane: slash commands, buttons, forms and events through the Bolt app in process (create_app, as
the server wires it) against the stand-in Slack Web API: the `workspace` fixture (tests/conftest.py)."""
