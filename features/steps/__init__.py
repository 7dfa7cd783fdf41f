"""Step definitions shared by several feature files."""
