"""The CSV headers are a public contract (DESIGN.md): each kind exports exactly these, in order."""

import pytest
from django.core.management import call_command

from server.importing import KINDS
from server.resources import RESOURCES

CONTRACT = {
    "communities": "name,slug,description",
    "roles": "title,community_of_practice,description",
    "skills": "name,communities_of_practice,description",
    "projects": "name,slug,status,website_url,repository_url,slack_channel,timezone,managers,meeting_times",
    "opportunities": "id,project,role,community_of_practice,title,status,experience_level,min_hours_per_week,"
    "work_environment,positions,required_skills,preferred_skills,body,expires_on",
    "volunteers": "email,name,community_of_practice,roles,experience_level,max_hours_per_week,timezone,"
    "availability,skills,status",
    "applications": "opportunity_id,volunteer_email,status,message",
}


def test_every_kind_is_covered():
    assert set(KINDS) == set(CONTRACT)
    assert set(RESOURCES) == set(CONTRACT)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(CONTRACT))
def test_export_writes_exactly_the_contract_header(kind, tmp_path):
    path = tmp_path / f"{kind}.csv"
    call_command("export_csv", kind, "--output", str(path))
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == CONTRACT[kind]
