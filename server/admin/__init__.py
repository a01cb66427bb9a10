"""The admin, one module per area. Importing them registers every model with Unfold."""

from server.admin import (  # noqa: F401
    alerts,
    applications,
    background,
    catalog,
    opportunities,
    projects,
    security,
    users,
    volunteers,
)
