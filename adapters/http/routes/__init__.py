"""The API's routes, one module per area: commands, queries, helpers, health."""
