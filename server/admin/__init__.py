"""The admin, one module per area. Importing them registers every model with Unfold."""

from server.admin import alerts, applications, catalog, opportunities, projects, users, volunteers  # noqa: F401
