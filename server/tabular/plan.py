"""Checking a whole file before anything is written: the header, every cell, every row's rules,
and the table as it would be after the import (unique columns)."""

from __future__ import annotations

import contextlib
import gc

from server.models.validators import NUL_MESSAGE
from server.tabular.kinds import Kind
from server.tabular.reading import normalise
from server.tabular.report import PREVIEW_ROWS, ImportReport, PreviewRow
from server.widgets import CellError

MEMO_LIMIT = 50_000  # distinct cells remembered per column
COLLECT_EVERY = 10_000  # rows between two collections of the garbage made meanwhile
FEW_ROWS = 2_000  # rows in memory (the admin previews a file this small whole) checked by key look-up


def _collect_young() -> None:
    """run_import pauses the cyclic collector (it would walk the whole plan again and again), but
    refused cells leave cycles (Django's ValidationError refers to itself). With the collector
    paused, every object made since the last collection is in the youngest generation: collect
    that one alone, then freeze what survived, so the next collection walks only newer objects.
    run_import unfreezes at the end. Only files with errors make such cycles, so plan_rows
    calls this only once one is found."""
    gc.collect(0)
    gc.freeze()


def check_headers(kind: type[Kind], headers: list) -> tuple[dict[str, int], list[str]]:
    """Column → position, or the errors that stop the file before any row is read."""
    positions, errors, unknown = {}, [], []
    for index, header in enumerate(headers):
        name = str(header or "").strip().lower()
        if not name:
            if index == len(headers) - 1 and index:  # a trailing comma on the header line
                continue
            unknown.append(f"(blank, column {index + 1})")
        elif name in kind.columns:
            if name in positions:
                errors.append(f'row 1, {name}: the column "{name}" appears twice')
            positions[name] = index
        else:
            unknown.append(f'"{str(header).strip()}"')
    missing = [column for column in kind.columns if column not in positions]
    if missing:
        errors.append(f"row 1, header: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if unknown:
        errors.append(
            f"row 1, header: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(the {kind.name} columns are {', '.join(kind.columns)})"
        )
    return positions, errors


def _same_text(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()


def _quote(value) -> str:
    return f'"{value}"'


def _clean(handler: Kind, column, value, values, current):
    if value.__class__ is str and "\x00" in value:
        raise CellError(NUL_MESSAGE)  # the API's and the admin's words (Django's validator)
    return handler.clean(column, value, values, current)


class Refused:
    """A remembered refusal of one cell value."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


class Planner:
    """Reads and checks rows one at a time, keeping only what the write needs: the new and
    changed rows' final states (none once the file has an error, since nothing will be
    written), the keys seen and the unique values. Errors go to the report (capped there)."""

    def __init__(self, handler: Kind, positions: dict[str, int], report: ImportReport, keys=None):
        self.handler, self.positions, self.report = handler, positions, report
        self.existing = handler.load_existing() if keys is None else handler.load_existing_keys(keys)
        self.seen: dict = {}
        self.creates, self.updates = [], []
        self.unique_rows = {column: {} for column in handler.unique}  # column → key → (number, value)
        self.order = [c for c in handler.columns if c not in handler.dependent]
        self.rank = {column: index for index, column in enumerate(handler.columns)}
        # Most columns repeat a few values (communities, levels, zones, statuses): each distinct
        # cell is read by its widget once. A refusal is remembered too (an all-bad file repeats
        # its mistakes), and reported again on every row that has it.
        self.memo = {c: {} for c in self.order if c not in handler.key_columns}

    # --- one row ---------------------------------------------------------------------------

    def row(self, number: int, cells: list) -> None:
        raw = {column: normalise(cells[i]) if i < len(cells) else "" for column, i in self.positions.items()}
        if all(value == "" for value in raw.values()):
            return  # blank lines are ignored
        if len(cells) > len(self.positions) and self._has_extra_cells(cells):
            self.report.errors.append(f"row {number}: more cells than columns in the header")
            return
        values, errors = self._read_cells(number, raw)
        key = self.handler.key(values)
        current = self.existing.get(key) if key is not None else None
        # Dependent columns are read even when another cell of the row is bad, so that every
        # error of the file is listed in one run.
        errors += self._read_dependent(number, raw, values, current)
        if errors:
            self.report.errors.extend(error for _, error in sorted(errors, key=lambda e: self.rank[e[0]]))
            return
        if not self._keyed(number, raw, values, key, current):
            return
        self._record(number, raw, values, key, current)

    def _has_extra_cells(self, cells) -> bool:
        used = set(self.positions.values())
        return any(normalise(cell) != "" for i, cell in enumerate(cells) if i not in used)

    def _read_cells(self, number, raw) -> tuple[dict, list]:
        values, errors = {}, []
        for column in self.order:
            value = raw[column]
            if value == "":
                continue
            remembered = self.memo.get(column)
            if remembered is not None and value.__class__ is str and value in remembered:
                cleaned = remembered[value]
                if cleaned.__class__ is Refused:
                    errors.append((column, f"row {number}, {column}: {cleaned.message}"))
                else:
                    values[column] = cleaned
                continue
            try:
                values[column] = cleaned = _clean(self.handler, column, value, values, None)
            except ValueError as error:
                errors.append((column, f"row {number}, {column}: {error}"))
                cleaned = Refused(str(error))
            if remembered is not None and value.__class__ is str and len(remembered) < MEMO_LIMIT:
                remembered[value] = cleaned
        return values, errors

    def _read_dependent(self, number, raw, values, current) -> list:
        errors = []
        for column in self.handler.dependent:
            if raw[column] == "":
                continue
            try:
                values[column] = _clean(self.handler, column, raw[column], values, current)
            except ValueError as error:
                errors.append((column, f"row {number}, {column}: {error}"))
        return errors

    def _keyed(self, number, raw, values, key, current) -> bool:
        """Whether the row has the key it needs, not seen before, and what a new row requires."""
        handler, errors = self.handler, []
        if key is None and not handler.key_optional:
            missing = [c for c in handler.key_columns if c not in values]
            self.report.errors.extend(f"row {number}, {column}: is required" for column in missing)
            return False
        if key is not None:
            if key in self.seen:
                column = handler.key_columns[0]
                errors.append(f"row {number}, {column}: {_quote(raw[column])} already appears in row {self.seen[key]}")
            self.seen[key] = number
        if current is None:
            missing = [c for c in handler.required_new if c not in values]
            errors.extend(f"row {number}, {column}: is required for a new {handler.label}" for column in missing)
        self.report.errors.extend(errors)
        return not errors

    def _record(self, number, raw, values, key, current) -> None:
        handler, report = self.handler, self.report
        if current is None:
            state = handler.defaults(values)
            state.update(values)
            changed = set(values)
        else:
            # A key cell that differs only in case names the same row: it finds it, it does not rename it.
            values.update({c: current[c] for c in handler.key_columns if _same_text(values.get(c), current.get(c))})
            state = {**current, **values}
            changed = {column for column, value in values.items() if current.get(column) != value}
        refused = handler.validate(state, current, values)
        if refused:
            report.errors.extend(f"row {number}, {column}: {message}" for column, message in refused)
        for column in handler.unique:
            self.unique_rows[column][key] = (number, state[column])
        keep = not report.errors  # a file with an error writes nothing: keep no states for it
        if current is None:
            report.new += 1
            action = "new"
            if keep:
                self.creates.append(state)
        elif changed:
            report.updated += 1
            action = "updated"
            if keep:
                self.updates.append((current, state, changed))
        else:
            report.unchanged += 1
            action = "unchanged"
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append(PreviewRow(number, action, [raw[column] for column in handler.columns]))

    # --- the whole file --------------------------------------------------------------------

    def check_unique(self) -> None:
        """Unique columns other than the key (slugs): the table as it would be after the import."""
        for column in self.handler.unique:
            rows = self.unique_rows[column]
            owners = {state[column]: key for key, state in self.existing.items() if key not in rows}
            for key, (number, value) in sorted(rows.items(), key=lambda item: item[1][0]):
                owner = owners.get(value)
                if owner is not None and owner != key:
                    where = f"row {rows[owner][0]}" if owner in rows else "an existing row"
                    self.report.errors.append(f"row {number}, {column}: {_quote(value)} is already used by {where}")
                else:
                    owners[value] = key


def file_keys(handler: Kind, positions, rows) -> set | None:
    """The keys of a few rows already in memory (an admin preview: at most FEW_ROWS), read by
    the key column's own widget, so that the kind may load only the stored rows they name;
    None for a file read as a stream, whose rows are checked against every stored row. A key
    cell the widget refuses names no stored row (its row reports the error)."""
    if not isinstance(rows, list) or len(rows) > FEW_ROWS or len(handler.key_columns) != 1:
        return None
    column = handler.key_columns[0]
    position = positions.get(column)
    if position is None:
        return None
    keys = set()
    for _, cells in rows:
        value = normalise(cells[position]) if position < len(cells) else ""
        if value != "":
            with contextlib.suppress(CellError):
                keys.add(handler.clean(column, value, {}, None))
    return keys


def plan_rows(handler: Kind, positions, rows, report: ImportReport, progress):
    """Check every row; return (creates, updates) for the write (empty once any row is wrong)."""
    planner = Planner(handler, positions, report, keys=file_keys(handler, positions, rows))
    count = 0
    for number, cells in rows:
        count += 1
        if count % 1000 == 0:
            if progress is not None:
                progress(count)
            if count % COLLECT_EVERY == 0 and report.errors:
                _collect_young()
        planner.row(number, cells)
    if progress is not None:
        progress(count)
    planner.check_unique()
    return planner.creates, planner.updates
