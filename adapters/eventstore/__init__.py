"""Driven adapters of the event store: recorders, subscriptions and side tables."""
