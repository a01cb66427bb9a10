"""The dashboard's figures, and that a project manager's dashboard covers their projects only."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from server.admin.dashboard import dashboard_figures, environment_callback, new_applications_badge
from server.models import Opportunity
from server.tests.factories import ApplicationFactory, OpenOpportunityFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_organizer_figures_cover_every_project(organizer, world):
    figures = dashboard_figures(organizer)
    assert figures["open_opportunities"] == 2
    assert figures["recent_applications"] == 2
    assert figures["active_volunteers"] == 1
    assert dict(figures["open_per_community"]) == {"UI/UX": 2}


def test_pm_figures_cover_their_projects_only(project_manager, world):
    VolunteerFactory()  # in the pool but not an applicant to the PM's projects
    figures = dashboard_figures(project_manager)
    assert figures["open_opportunities"] == 1
    assert figures["recent_applications"] == 1
    assert figures["active_volunteers"] == 1


def test_median_days_to_fill_over_the_last_90_days(organizer, world):
    now = timezone.now()
    for published_days_ago, filled_days_ago in [(20, 10), (40, 10), (30, 0), (400, 200)]:
        OpenOpportunityFactory(
            project=world["mine"],
            status=Opportunity.Status.FILLED,
            published_at=now - timedelta(days=published_days_ago),
            filled_at=now - timedelta(days=filled_days_ago),
        )
    # 10, 30 and 30 days; the one filled 200 days ago is outside the window.
    assert dashboard_figures(organizer, now=now)["median_days_to_fill"] == 30.0


def test_stale_postings_are_open_over_30_days_without_applications(organizer, world):
    now = timezone.now()
    stale = OpenOpportunityFactory(project=world["mine"], title="Forgotten", published_at=now - timedelta(days=31))
    answered = OpenOpportunityFactory(project=world["mine"], published_at=now - timedelta(days=45))
    ApplicationFactory(opportunity=answered)
    OpenOpportunityFactory(project=world["mine"], published_at=now - timedelta(days=29))
    assert dashboard_figures(organizer, now=now)["stale"] == [stale]


def test_dashboard_page_shows_kpis_chart_and_stale_links(organizer_client, world):
    stale = OpenOpportunityFactory(
        project=world["theirs"], title="Forgotten", published_at=timezone.now() - timedelta(days=60)
    )
    response = organizer_client.get(reverse("admin:index"))
    content = response.content.decode()
    for title in ["Open opportunities", "Applications, last 7 days", "Active volunteers", "Median days to fill"]:
        assert title in content
    assert 'data-type="bar"' in content
    assert reverse("admin:server_opportunity_change", args=[stale.pk]) in content


def test_pm_dashboard_does_not_list_other_projects_stale_postings(pm_client, world):
    OpenOpportunityFactory(project=world["theirs"], title="Forgotten", published_at=timezone.now() - timedelta(days=60))
    response = pm_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Forgotten" not in response.content.decode()
    assert "Your projects only." in response.content.decode()


def test_new_applications_badge_counts_what_the_user_sees(rf, organizer, project_manager, world):
    request = rf.get("/admin/")
    request.user = organizer
    assert new_applications_badge(request) == 2
    request.user = project_manager
    assert new_applications_badge(request) == 1


def test_new_applications_badge_stops_counting_at_99(rf, organizer, world, monkeypatch):
    monkeypatch.setattr("server.admin.dashboard.BADGE_CAP", 2)
    ApplicationFactory(opportunity=world["my_open"])
    request = rf.get("/admin/")
    request.user = organizer
    assert new_applications_badge(request) == "2+"


def test_sidebar_shows_the_badge_and_the_groups(organizer_client, world):
    content = organizer_client.get(reverse("admin:index")).content.decode()
    for group in ["Opportunities &amp; applications", "People", "Catalog", "Accounts"]:
        assert group in content


def test_pm_sidebar_hides_accounts(pm_client, world):
    content = pm_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:server_user_changelist") not in content


@pytest.mark.parametrize(("debug", "label"), [(True, "Development"), (False, "Production")])
def test_environment_label_follows_debug(debug, label):
    with override_settings(DEBUG=debug):
        assert environment_callback(None)[0] == label


# --- empty database, links, dates, first run ----------------------------------------------


def test_empty_database_dashboard_has_sensible_empty_states(organizer_client):
    html = organizer_client.get(reverse("admin:index")).content.decode()
    assert "No open opportunities yet." in html
    assert 'data-type="bar"' not in html  # no blank chart box
    assert "no posting has been open for more than 30 days" in html
    assert "has applicants" not in html
    assert ">None<" not in html


def test_no_badge_when_nothing_is_new(rf, organizer, organizer_client):
    request = rf.get("/admin/")
    request.user = organizer
    assert new_applications_badge(request) == ""
    html = organizer_client.get(reverse("admin:index")).content.decode()
    sidebar_item = html.split(reverse("admin:server_application_changelist"), 1)[1].split("</a>", 1)[0]
    assert "None" not in sidebar_item and "uppercase" not in sidebar_item


def test_badge_shows_when_something_is_new(organizer_client, world):
    html = organizer_client.get(reverse("admin:index")).content.decode()
    sidebar_item = html.split(reverse("admin:server_application_changelist"), 1)[1].split("</a>", 1)[0]
    badge = sidebar_item.split("uppercase", 1)[1]
    assert badge.split(">", 1)[1].split("<", 1)[0].strip() == "2"


def test_first_run_hint_for_organizers_on_an_empty_catalog(organizer_client):
    html = organizer_client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="first-run"' in html
    order = [html.index(f"Import {kind}<") for kind in ["communities", "roles", "skills", "projects", "volunteers"]]
    assert order == sorted(order)
    assert reverse("admin:server_communityofpractice_import") in html


def test_no_first_run_hint_once_there_is_a_catalog_or_for_a_pm(organizer_client, pm_client, world):
    assert 'data-testid="first-run"' not in organizer_client.get(reverse("admin:index")).content.decode()


def test_no_first_run_hint_for_a_pm_on_an_empty_catalog(pm_client):
    assert 'data-testid="first-run"' not in pm_client.get(reverse("admin:index")).content.decode()


def test_chart_shows_its_numbers(organizer_client, world):
    html = organizer_client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="per-community"' in html
    assert "UI/UX</span>: 2" in html
    assert "UI/UX (2)" in html  # the bar's label


def kpi_links(client):
    return {kpi["title"]: kpi for kpi in client.get(reverse("admin:index")).context["kpis"]}


def test_recent_applications_link_lists_the_counted_rows(organizer_client, world):
    old = ApplicationFactory(opportunity=world["my_draft"])
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    kpi = kpi_links(organizer_client)["Applications, last 7 days"]
    listed = organizer_client.get(kpi["href"]).context["cl"].result_list
    assert kpi["value"] == 2 == len(listed)
    assert old not in listed


def test_median_days_link_lists_the_postings_it_counts(organizer_client, world):
    now = timezone.now()
    inside = OpenOpportunityFactory(
        project=world["mine"], status="filled", published_at=now - timedelta(days=20), filled_at=now - timedelta(days=5)
    )
    OpenOpportunityFactory(
        project=world["mine"],
        status="filled",
        published_at=now - timedelta(days=300),
        filled_at=now - timedelta(days=200),
    )
    kpi = kpi_links(organizer_client)["Median days to fill"]
    assert kpi["value"] == 15.0
    assert list(organizer_client.get(kpi["href"]).context["cl"].result_list) == [inside]


def test_dates_read_the_same_on_the_dashboard_and_in_the_lists(organizer_client, world):
    published = timezone.now() - timedelta(days=60)
    OpenOpportunityFactory(project=world["theirs"], title="Forgotten", published_at=published)
    day = timezone.localtime(published).date().isoformat()
    assert day in organizer_client.get(reverse("admin:index")).content.decode()
    listed = organizer_client.get(reverse("admin:server_opportunity_changelist"), {"q": "Forgotten"})
    assert day in listed.content.decode()


def test_pm_active_volunteers_link_lists_the_applicants_it_counts(pm_client, world):
    VolunteerFactory(name="Not an applicant")
    kpi = kpi_links(pm_client)["Active volunteers"]
    listed = list(pm_client.get(kpi["href"]).context["cl"].result_list)
    assert kpi["value"] == 1 and listed == [world["ada"]]


def test_an_open_posting_past_its_expiry_is_not_counted_as_open(organizer_client, organizer, world):
    """ "Open" on the dashboard is public (Opportunity.public_q): an open posting past its date,
    which an import may leave open, is neither counted nor listed by the card's link."""
    now = timezone.now()
    OpenOpportunityFactory(
        project=world["mine"],
        role=world["designer"],
        expires_on=(now - timedelta(days=2)).date(),
        published_at=now - timedelta(days=40),
    )
    figures = dashboard_figures(organizer, now=now)
    assert figures["open_opportunities"] == 2
    assert dict(figures["open_per_community"]) == {"UI/UX": 2}
    assert figures["stale"] == []
    response = organizer_client.get(reverse("admin:server_opportunity_changelist") + "?public=yes")
    assert sorted(row.title for row in response.context["cl"].result_list) == ["Product designer", "VRMS designer"]
