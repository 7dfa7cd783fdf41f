"""Account contacts: the holder, always there, and the others with their roles."""

from __future__ import annotations

HOLDER = "holder"
ROLES = ("billing", "whois")
HOLDER_ROLES = ROLES  # the account holder always holds every role
