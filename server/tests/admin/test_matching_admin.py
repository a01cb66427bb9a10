"""The "Top matches" sections: ranked rows with their reasons in words, who already applied,
links, the no-skill rule, and a project manager's scope."""

import re

import pytest
from django.urls import reverse

from server.models import Volunteer
from server.tests.factories import (
    OpenOpportunityFactory,
    OpportunitySkillFactory,
    VolunteerFactory,
    VolunteerSkillFactory,
)

pytestmark = pytest.mark.django_db


def section(response) -> str:
    """The Top matches section's HTML, or "" when the page has none."""
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(r'<section id="top-matches".*?</section>', html, re.S)
    return found.group(0) if found else ""


def rows(html: str) -> list[list[str]]:
    """Each table row's cell texts (tags stripped)."""
    return [
        [
            re.sub(r"<[^>]+>", "", cell.replace("<br>", " | ")).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r'<tr class="data-row.*?</tr>', html, re.S)
    ]


@pytest.fixture
def candidates(world):
    """For "Product designer" (asks Figma 4): Grace has it at 4 and wants the role; Alan has Figma 2."""
    OpportunitySkillFactory(opportunity=world["my_open"], skill=world["figma"], level=4)
    grace = VolunteerFactory(name="Grace Hopper", email="grace@example.com", max_hours_per_week=10)
    VolunteerSkillFactory(volunteer=grace, skill=world["figma"], level=4)
    grace.roles.add(world["designer"])
    alan = VolunteerFactory(name="Alan Turing", email="alan@example.com", max_hours_per_week=10)
    VolunteerSkillFactory(volunteer=alan, skill=world["figma"], level=2)
    VolunteerFactory(name="Retired Person", email="retired@example.com", status=Volunteer.Status.INACTIVE)
    return {"grace": grace, "alan": alan}


def test_opportunity_page_ranks_active_volunteers_with_reasons_and_links(organizer_client, world, candidates):
    html = section(organizer_client.get(reverse("admin:server_opportunity_change", args=[world["my_open"].pk])))

    assert "Top matches: the 10 best active volunteers" in html
    table = rows(html)
    names = [row[1] for row in table]
    # Ada holds no Figma: no skill in common, no match (she would score 35.0 on the rest).
    assert names == ["Grace Hopper", "Alan Turing"]
    assert "Retired Person" not in html and "Ada Lovelace" not in html
    # Grace: skills 1, hours 1 (10 ≥ 5), availability 1 (no meeting times), interest 1 → 100.0
    assert table[0] == [
        "1",
        "Grace Hopper",
        "grace@example.com",
        "—",
        "100.0",
        "Figma 4 of 4 ✓ | 1.00",
        "10 h/week ≥ 5 needed | 1.00",
        "the project has no meeting times | 1.00",
        "UX Designer is a role of interest | 1.00",
    ]
    # Alan: skills 2/4, hours 1, availability 1, neither roles nor community → interest 0.5: 25+20+20+5
    assert table[1] == [
        "2",
        "Alan Turing",
        "alan@example.com",
        "—",
        "70.0",
        "Figma 2 of 4 | 0.50",
        "10 h/week ≥ 5 needed | 1.00",
        "the project has no meeting times | 1.00",
        "no roles or community of practice given | 0.50",
    ]
    assert reverse("admin:server_volunteer_change", args=[candidates["grace"].pk]) in html


def test_who_already_applied_is_shown_with_a_link(organizer_client, world, candidates):
    VolunteerSkillFactory(volunteer=world["ada"], skill=world["figma"], level=1)
    html = section(organizer_client.get(reverse("admin:server_opportunity_change", args=[world["my_open"].pk])))
    applied = {row[1]: row[3] for row in rows(html)}
    assert applied == {"Grace Hopper": "—", "Alan Turing": "—", "Ada Lovelace": "Applied (New)"}
    assert reverse("admin:server_application_change", args=[world["my_application"].pk]) in html
    # On Ada's page, the posting she applied to says so too.
    html = section(organizer_client.get(reverse("admin:server_volunteer_change", args=[world["ada"].pk])))
    assert {row[1]: row[3] for row in rows(html)}["Product designer"] == "Applied (New)"


def test_project_manager_sees_matches_on_their_own_opportunity(pm_client, world, candidates):
    html = section(pm_client.get(reverse("admin:server_opportunity_change", args=[world["my_open"].pk])))
    assert [row[1] for row in rows(html)][:2] == ["Grace Hopper", "Alan Turing"]


def test_project_manager_gets_no_page_and_no_matches_for_another_project(pm_client, world, candidates):
    response = pm_client.get(reverse("admin:server_opportunity_change", args=[world["their_open"].pk]))
    assert response.status_code == 404
    assert b"Grace Hopper" not in response.content


def test_volunteer_page_ranks_open_opportunities(organizer_client, world, candidates):
    OpportunitySkillFactory(opportunity=world["their_open"], skill=world["figma"], level=5)  # Grace has 4
    html = section(organizer_client.get(reverse("admin:server_volunteer_change", args=[candidates["grace"].pk])))

    assert "Top matches: the 10 best open opportunities" in html
    table = rows(html)
    # Only open postings: the two drafts never appear.
    assert [row[1] for row in table] == ["Product designer", "VRMS designer"]
    assert table[0][2:5] == ["Food Oasis", "—", "100.0"]
    assert table[1][2:6] == ["VRMS", "—", "90.0", "Figma 4 of 5 | 0.80"]
    assert "Django developer" not in html and "Secret VRMS draft" not in html
    assert reverse("admin:server_opportunity_change", args=[world["my_open"].pk]) in html


def test_project_manager_sees_only_their_projects_openings_on_a_volunteer(pm_client, world, candidates):
    mine_too = OpenOpportunityFactory(project=world["mine"], role=world["developer"], title="Backend helper")
    html = section(pm_client.get(reverse("admin:server_volunteer_change", args=[candidates["grace"].pk])))
    titles = [row[1] for row in rows(html)]
    assert set(titles) == {"Product designer", mine_too.title}
    assert "VRMS" not in html


def test_add_pages_have_no_matches_section(organizer_client, world):
    for name in ("server_opportunity", "server_volunteer"):
        assert section(organizer_client.get(reverse(f"admin:{name}_add"))) == ""


def test_no_candidates_says_so(organizer_client, world):
    Volunteer.objects.update(status=Volunteer.Status.INACTIVE)
    html = section(organizer_client.get(reverse("admin:server_opportunity_change", args=[world["my_draft"].pk])))
    assert "Top matches" in html and rows(html) == [] and "No active volunteers." in html
    OpportunitySkillFactory(opportunity=world["my_draft"], skill=world["python"], level=3)
    Volunteer.objects.update(status=Volunteer.Status.ACTIVE)
    html = section(organizer_client.get(reverse("admin:server_opportunity_change", args=[world["my_draft"].pk])))
    assert rows(html) == [] and "No active volunteer holds any of the skills this posting asks for." in html
