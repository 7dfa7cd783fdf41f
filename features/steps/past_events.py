"""Givens that several features share: things the customer did before the scenario starts."""

from __future__ import annotations
