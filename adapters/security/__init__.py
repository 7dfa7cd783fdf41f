"""Security adapters: the password hasher, the card vault, API tokens and keys."""
