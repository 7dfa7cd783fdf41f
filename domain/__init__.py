"""The Profile domain: aggregate, events, value rules and errors."""
