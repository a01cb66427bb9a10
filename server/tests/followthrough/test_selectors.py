"""Response figures (server/followthrough/selectors.py and their cards on the dashboard and
the project page) against numbers worked out by hand from a fixed set of applications."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from server import services
from server.admin.followthrough import format_wait
from server.followthrough.selectors import response_figures
from server.models import Application
from server.permissions import applications_managed_by
from server.tests.factories import ApplicationFactory, OpenOpportunityFactory, ProjectFactory

pytestmark = pytest.mark.django_db
Status = Application.Status
NOW = timezone.now().replace(microsecond=0)


def made(opportunity, *, days_ago, steps=()):
    """An application received `days_ago` days before NOW, then moved through `steps`:
    (hours after it arrived, status, by the volunteer?)."""
    arrived = NOW - timedelta(days=days_ago)
    with time_machine.travel(arrived, tick=False):
        application = ApplicationFactory(opportunity=opportunity, created_at=arrived)
    for hours, status in steps:
        with time_machine.travel(arrived + timedelta(hours=hours), tick=False):
            if status == Status.WITHDRAWN:
                services.application_withdraw(application=application)
            else:
                services.application_set_status(application=application, status=status, notify=False)
    return application


@pytest.fixture
def applications(project_manager):
    """Project "mine" (the PM's) and "theirs"; by hand:

    mine, received in the last 90 days (7): a1 contacted after 24 h; a2 contacted after 12 h,
    then interviewing; a3 contacted after 48 h, interviewing, onboarded; a4 contacted after
    6 h, then declined; a5 and a6 still new; a7 withdrawn by the volunteer (no response).
    mine, older: a8 (100 days ago, contacted 95 days ago: outside both windows), a9 (120 days
    ago, still new: the oldest waiting).
    theirs: b1 new (4 days ago), b2 contacted after 100 h (8 days ago).
    """
    mine = OpenOpportunityFactory(project=ProjectFactory(name="Food Oasis"))
    mine.project.managers.add(project_manager)
    theirs = OpenOpportunityFactory(project=ProjectFactory(name="VRMS"))
    C, INTERVIEW, ONBOARD, D, W = (
        Status.CONTACTED,
        Status.INTERVIEWING,
        Status.ONBOARDED,
        Status.DECLINED,
        Status.WITHDRAWN,
    )
    made(mine, days_ago=10, steps=[(24, C)])
    made(mine, days_ago=5, steps=[(12, C), (30, INTERVIEW)])
    made(mine, days_ago=20, steps=[(48, C), (72, INTERVIEW), (200, ONBOARD)])
    made(mine, days_ago=30, steps=[(6, C), (40, D)])
    made(mine, days_ago=2)
    made(mine, days_ago=1)
    made(mine, days_ago=3, steps=[(5, W)])
    made(mine, days_ago=100, steps=[(120, C)])
    made(mine, days_ago=120)
    made(theirs, days_ago=4)
    made(theirs, days_ago=8, steps=[(100, C)])
    return {"mine": mine.project, "theirs": theirs.project}


def test_a_project_managers_figures_cover_only_their_projects(applications, project_manager):
    figures = response_figures(applications_managed_by(project_manager), now=NOW)
    assert figures.awaiting == 3  # a5, a6, a9
    assert figures.oldest_waiting_since == NOW - timedelta(days=120)
    assert figures.median_hours_to_first_response == 18.0  # 6, 12, 24, 48
    assert figures.responses_counted == 4
    assert figures.funnel == [
        ("Applied", 7),
        ("Contacted", 4),  # a1, a2, a3, a4 (declined later, still contacted once)
        ("Interviewing", 2),
        ("Onboarded", 1),
        ("Declined", 1),
        ("Withdrawn", 1),
    ]


def test_an_organizer_sees_every_project(applications, organizer):
    figures = response_figures(applications_managed_by(organizer), now=NOW)
    assert figures.awaiting == 4  # + b1
    assert figures.median_hours_to_first_response == 24.0  # 6, 12, 24, 48, 100
    assert figures.funnel == [
        ("Applied", 9),
        ("Contacted", 5),
        ("Interviewing", 2),
        ("Onboarded", 1),
        ("Declined", 1),
        ("Withdrawn", 1),
    ]


def test_no_applications_means_no_median_and_nobody_waiting(project_manager):
    figures = response_figures(applications_managed_by(project_manager), now=NOW)
    assert (figures.awaiting, figures.oldest_waiting_since, figures.median_hours_to_first_response) == (0, None, None)
    assert [count for _, count in figures.funnel] == [0] * 6


def kpi(html, testid):
    return re.search(rf'data-testid="{testid}">([^<]*)<', html).group(1)


def test_the_dashboard_shows_the_pms_figures(applications, pm_client):
    html = pm_client.get("/admin/").content.decode()
    assert kpi(html, "awaiting") == "3"
    assert kpi(html, "median-hours") == "18.0"
    assert "Oldest waiting 120 d" in html
    assert kpi(html, "funnel").split(", ") == [
        "Applied 7",
        "Contacted 4",
        "Interviewing 2",
        "Onboarded 1",
        "Declined 1",
        "Withdrawn 1",
    ]


def test_the_project_page_shows_its_figures_to_its_managers_only(applications, project_manager, organizer):
    mine, theirs = applications["mine"], applications["theirs"]
    pm_client, organizer_client = Client(), Client()
    pm_client.force_login(project_manager)
    organizer_client.force_login(organizer)
    html = pm_client.get(f"/admin/server/project/{mine.pk}/change/").content.decode()
    assert kpi(html, "awaiting") == "3" and kpi(html, "median-hours") == "18.0"
    assert f"opportunity__project__id__exact={mine.pk}" in html
    other = pm_client.get(f"/admin/server/project/{theirs.pk}/change/")
    assert other.status_code == 200  # PMs read every project ...
    assert 'data-testid="response-figures"' not in other.content.decode()  # ... but not its applicants' figures
    html = organizer_client.get(f"/admin/server/project/{theirs.pk}/change/").content.decode()
    assert kpi(html, "awaiting") == "1" and kpi(html, "median-hours") == "100.0"


@pytest.mark.parametrize(
    ("wait", "words"),
    [
        (None, ""),
        (timedelta(minutes=5), "under an hour"),
        (timedelta(hours=5), "5 h"),
        (timedelta(days=3), "3 d"),
        (timedelta(days=3, hours=4), "3 d 4 h"),
    ],
)
def test_waits_in_words(wait, words):
    assert format_wait(wait) == words
