"""The seven kinds of DESIGN.md "CSV import/export", by name, in import order (each refers only
to kinds before it)."""

from server.tabular.kinds.base import Kind
from server.tabular.kinds.catalog import CommunitiesKind, ProjectsKind, RolesKind, SkillsKind
from server.tabular.kinds.opportunities import OpportunitiesKind
from server.tabular.kinds.people import ApplicationsKind, VolunteersKind

KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (
        CommunitiesKind,
        RolesKind,
        SkillsKind,
        ProjectsKind,
        OpportunitiesKind,
        VolunteersKind,
        ApplicationsKind,
    )
}

__all__ = ["KINDS", "Kind"]
