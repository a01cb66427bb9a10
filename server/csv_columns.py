"""The CSV columns of each kind, in export order: the public contract of DESIGN.md.

Plain data with no Django import, so the standalone scripts in bench/ use the same list as
the importer and the resources.
"""

COLUMNS: dict[str, tuple[str, ...]] = {
    "communities": ("name", "slug", "description"),
    "roles": ("title", "community_of_practice", "description"),
    "skills": ("name", "communities_of_practice", "description"),
    "projects": (
        "name",
        "slug",
        "status",
        "website_url",
        "repository_url",
        "slack_channel",
        "timezone",
        "managers",
        "meeting_times",
    ),
    "opportunities": (
        "id",
        "project",
        "role",
        "community_of_practice",
        "title",
        "status",
        "experience_level",
        "min_hours_per_week",
        "work_environment",
        "positions",
        "required_skills",
        "preferred_skills",
        "body",
        "expires_on",
    ),
    "volunteers": (
        "email",
        "name",
        "community_of_practice",
        "roles",
        "experience_level",
        "max_hours_per_week",
        "timezone",
        "availability",
        "skills",
        "status",
    ),
    "applications": ("opportunity_id", "volunteer_email", "status", "message"),
}
