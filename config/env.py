"""Small readers for environment variables, so settings stay declarative."""

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def env_days(name: str, default: str) -> tuple[int, ...]:
    """A comma-separated list of whole days, e.g. "3,7": sorted, each at least 1, no repeats."""
    raw = os.environ.get(name, default)
    try:
        days = sorted({int(item) for item in raw.split(",") if item.strip()})
    except ValueError:
        raise ValueError(f"{name} must be whole days separated by commas (like 3,7), not {raw!r}") from None
    if not days or days[0] < 1:
        raise ValueError(f"{name} must list at least one day, each 1 or more, not {raw!r}")
    return tuple(days)
