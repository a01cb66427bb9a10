"""axe-core (npm, pinned in package.json, installed by `make install-dev`) run inside a page."""

from pathlib import Path

from django.conf import settings

BLOCKING = ("critical", "serious")


def axe_script() -> Path:
    """node_modules/axe-core/axe.min.js of this checkout (`npm ci` puts it there)."""
    relative = Path("node_modules") / "axe-core" / "axe.min.js"
    candidates = [Path(settings.BASE_DIR) / relative, Path(__file__).parents[3] / relative, Path.cwd() / relative]
    found = next((path for path in candidates if path.exists()), None)
    assert found, f"{candidates[0]} is missing: run `make install-dev` (npm ci installs axe-core)"
    return found


def axe_violations(page) -> list[dict]:
    """The critical and serious violations on the page as it is now."""
    page.add_script_tag(path=str(axe_script()))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} – {violation['help']}")
        lines += [f"    {node['target']}: {node['html'][:160]}" for node in violation["nodes"][:5]]
    return "\n".join(lines)
