"""The HTTP service: FastAPI routers per resource, problem+json errors, web pages."""
