"""Executable documentation of the profile service: one .feature per capability."""
