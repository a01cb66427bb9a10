"""What an import answers: counts, the errors (the first 1,000, then how many more), a page of
preview rows. The cap keeps a file whose every row is wrong from costing memory per error."""

from __future__ import annotations

from dataclasses import dataclass, field

PREVIEW_ROWS = 20
ERRORS_LISTED = 1000  # DESIGN.md: every error listed up to 1,000, then the count of the rest


class ErrorList(list):
    """A list that keeps the first ERRORS_LISTED messages and counts the rest in `more`."""

    def __init__(self, items=()):
        super().__init__()
        self.more = 0
        self.extend(items)

    def append(self, message: str) -> None:
        if len(self) < ERRORS_LISTED:
            super().append(message)
        else:
            self.more += 1

    def extend(self, messages) -> None:
        for message in messages:
            self.append(message)

    def clear(self) -> None:
        super().clear()
        self.more = 0

    @property
    def total(self) -> int:
        return len(self) + self.more


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
    errors: ErrorList = field(default_factory=ErrorList)
    preview: list[PreviewRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not isinstance(self.errors, ErrorList):
            self.errors = ErrorList(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return self.errors.total

    def error_lines(self) -> list[str]:
        """The listed errors, then "… and N more errors" when some were only counted."""
        more = [f"… and {self.errors.more} more errors"] if self.errors.more else []
        return [*self.errors, *more]

    @property
    def summary(self) -> str:
        return f"new {self.new}, updated {self.updated}, unchanged {self.unchanged}, errors {self.error_count}"

    def __str__(self) -> str:
        return self.summary
