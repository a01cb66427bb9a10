"""Checking a whole file before anything is written: the header, every cell, every row's rules,
and the table as it would be after the import (unique columns)."""

from __future__ import annotations

from server.models.validators import NUL_MESSAGE
from server.tabular.kinds import Kind
from server.tabular.reading import normalise
from server.tabular.report import PREVIEW_ROWS, ImportReport, PreviewRow
from server.widgets import CellError

MEMO_LIMIT = 50_000  # distinct cells remembered per column


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


def plan_rows(handler: Kind, positions, rows, report: ImportReport, progress):
    existing = handler.load_existing()
    seen: dict = {}
    creates, updates = [], []
    unique_values = {column: {} for column in handler.unique}  # column → value → key (final state)
    unique_rows = {column: {} for column in handler.unique}  # column → key → (number, value)
    order = [c for c in handler.columns if c not in handler.dependent]
    rank = {column: index for index, column in enumerate(handler.columns)}
    # Most columns repeat a few values (communities, levels, zones, statuses): each distinct cell
    # is read by its widget once. Only successes are kept, so every bad cell is still reported.
    memo = {c: {} for c in order if c not in handler.key_columns}
    count = 0
    for number, cells in rows:
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count)
        raw = {column: normalise(cells[index]) if index < len(cells) else "" for column, index in positions.items()}
        if all(value == "" for value in raw.values()):
            continue  # blank lines are ignored
        if len(cells) > len(positions) and any(
            normalise(cell) != "" for i, cell in enumerate(cells) if i not in positions.values()
        ):
            report.errors.append(f"row {number}: more cells than columns in the header")
            continue
        values, row_errors = {}, []
        for column in order:
            value = raw[column]
            if value == "":
                continue
            seen_values = memo.get(column)
            if seen_values is not None and value.__class__ is str and value in seen_values:
                values[column] = seen_values[value]
                continue
            try:
                values[column] = cleaned = _clean(handler, column, value, values, None)
            except ValueError as error:
                row_errors.append((column, f"row {number}, {column}: {error}"))
            else:
                if seen_values is not None and value.__class__ is str and len(seen_values) < MEMO_LIMIT:
                    seen_values[value] = cleaned
        # Dependent columns are read even when another cell of the row is bad, so that every
        # error of the file is listed in one run.
        key = handler.key(values)
        current = existing.get(key) if key is not None else None
        for column in handler.dependent:
            if raw[column] == "":
                continue
            try:
                values[column] = _clean(handler, column, raw[column], values, current)
            except ValueError as error:
                row_errors.append((column, f"row {number}, {column}: {error}"))
        if row_errors:
            report.errors.extend(error for _, error in sorted(row_errors, key=lambda e: rank[e[0]]))
            continue
        if key is None and not handler.key_optional:
            missing = [c for c in handler.key_columns if c not in values]
            report.errors.extend(f"row {number}, {column}: is required" for column in missing)
            continue
        if key is not None:
            if key in seen:
                column = handler.key_columns[0]
                row_errors.append(f"row {number}, {column}: {_quote(raw[column])} already appears in row {seen[key]}")
            seen[key] = number
        if current is None:
            missing = [c for c in handler.required_new if c not in values]
            row_errors.extend(f"row {number}, {column}: is required for a new {handler.label}" for column in missing)
        if row_errors:
            report.errors.extend(row_errors)
            continue
        if current is None:
            state = handler.defaults(values)
            state.update(values)
            changed = set(values)
        else:
            # A key cell that differs only in case names the same row: it finds it, it does not rename it.
            values.update({c: current[c] for c in handler.key_columns if _same_text(values.get(c), current.get(c))})
            state = {**current, **values}
            changed = {column for column, value in values.items() if current.get(column) != value}
        report.errors.extend(
            f"row {number}, {column}: {message}" for column, message in handler.validate(state, current, values)
        )
        for column in handler.unique:
            unique_rows[column][key] = (number, state[column])
        if current is None:
            report.new += 1
            creates.append(state)
            action = "new"
        elif changed:
            report.updated += 1
            updates.append((current, state, changed))
            action = "updated"
        else:
            report.unchanged += 1
            action = "unchanged"
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append(PreviewRow(number, action, [raw[column] for column in handler.columns]))
    if progress is not None:
        progress(count)
    # Unique columns other than the key (slugs): check the table as it would be after the import.
    for column in handler.unique:
        owners = unique_values[column]
        for key, state in existing.items():
            if key not in unique_rows[column]:
                owners[state[column]] = key
        for key, (number, value) in sorted(unique_rows[column].items(), key=lambda item: item[1][0]):
            owner = owners.get(value)
            if owner is not None and owner != key:
                where = f"row {unique_rows[column][owner][0]}" if owner in unique_rows[column] else "an existing row"
                report.errors.append(f"row {number}, {column}: {_quote(value)} is already used by {where}")
            else:
                owners[value] = key
    return creates, updates
