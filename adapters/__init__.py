"""Adapters: storage, vault, hashing, settings, HTTP, logging and the command line."""
