"""The admin, one module per area. Importing them registers every model with Unfold."""

from server.admin import applications, catalog, opportunities, projects, security, users, volunteers  # noqa: F401
