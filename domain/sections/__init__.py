"""The sections of the profile page, one module each: their rules, limits and defaults."""
