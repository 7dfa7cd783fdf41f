"""Driving adapters: what calls the application (the HTTP API and the command line)."""
