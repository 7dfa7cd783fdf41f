"""The command application: one method per command, over the event store."""
