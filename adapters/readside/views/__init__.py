"""The views in SQL, one module per view, one per store dialect."""
