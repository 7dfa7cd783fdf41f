"""The API's routes: one module per section of the page, and profiles, audit, health."""
