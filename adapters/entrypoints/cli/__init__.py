"""The `profile-service` command line."""
