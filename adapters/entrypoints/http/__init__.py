"""The HTTP API of api.md, on FastAPI: create_app builds it from a container and a read side."""
