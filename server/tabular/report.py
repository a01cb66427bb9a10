"""What an import answers: counts, the errors, a page of preview rows."""

from __future__ import annotations

from dataclasses import dataclass, field

PREVIEW_ROWS = 20


@dataclass
class PreviewRow:
    number: int
    action: str  # new | updated | unchanged
    cells: list


@dataclass
class ImportReport:
    kind: str
    dry_run: bool = False
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return f"new {self.new}, updated {self.updated}, unchanged {self.unchanged}, errors {len(self.errors)}"

    def __str__(self) -> str:
        return self.summary
