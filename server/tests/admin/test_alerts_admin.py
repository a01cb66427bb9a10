"""The alerts admin: Organizers list, filter, export and delete; project managers see none of it."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from server.alerts import services
from server.models import Alert, Digest
from server.tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts():
    python = SkillFactory(name="Python")
    confirmed = services.alert_confirm(
        alert=services.alert_subscribe(email="ada@example.com", skills=[(python, 4)], frequency="daily")
    )
    pending = services.alert_subscribe(email="grace@example.com", skills=[(python, 2)])
    gone = services.alert_unsubscribe(
        alert=services.alert_confirm(alert=services.alert_subscribe(email="linus@example.com", skills=[(python, 1)]))
    )
    now = timezone.now()
    Digest.objects.create(alert=confirmed, sent_at=now - timedelta(days=1), opportunity_count=2)
    Digest.objects.create(alert=confirmed, sent_at=now - timedelta(days=9), opportunity_count=1)
    Digest.objects.create(alert=gone, sent_at=now - timedelta(days=2), opportunity_count=1)
    return {"confirmed": confirmed, "pending": pending, "gone": gone}


def _rows(content: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content)))


def test_organizers_see_the_list_with_its_columns(organizer_client, alerts):
    response = organizer_client.get(reverse("admin:server_alert_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    for header in ("Email", "Frequency", "Confirmed", "Last sent", "Unsubscribed", "Digests"):
        assert header in page
    for email in ("ada@example.com", "grace@example.com", "linus@example.com"):
        assert email in page
    results = response.context["cl"].result_list
    assert {row.email: row.digest_total for row in results} == {
        "ada@example.com": 2,
        "grace@example.com": 0,
        "linus@example.com": 1,
    }


@pytest.mark.parametrize(
    ("query", "emails"),
    [
        ("confirmed=yes", {"ada@example.com"}),
        ("confirmed=no", {"grace@example.com", "linus@example.com"}),
        ("unsubscribed=yes", {"linus@example.com"}),
        ("frequency__exact=daily", {"ada@example.com"}),
        ("q=grace", {"grace@example.com"}),
    ],
)
def test_filters(organizer_client, alerts, query, emails):
    response = organizer_client.get(reverse("admin:server_alert_changelist") + "?" + query)
    assert {row.email for row in response.context["cl"].result_list} == emails


def test_export_lists_the_alerts_with_their_digest_counts(organizer_client, alerts):
    response = organizer_client.post(reverse("admin:server_alert_export"), {"resource": "0", "format": "0"})
    assert response.status_code == 200
    rows = _rows(response.content.decode("utf-8-sig"))
    header = rows[0]
    assert header[:3] == ["email", "name", "frequency"] and header[-1] == "digests"
    by_email = {row[0]: row for row in rows[1:]}
    assert by_email["ada@example.com"][-1] == "2"
    assert by_email["grace@example.com"][-1] == "0"


def test_an_organizer_may_delete_an_alert_but_not_add_change_or_import(organizer_client, alerts):
    alert = alerts["confirmed"]
    assert organizer_client.get(reverse("admin:server_alert_add")).status_code == 403
    assert organizer_client.get(reverse("admin:server_alert_import")).status_code == 403
    change = organizer_client.get(reverse("admin:server_alert_change", args=[alert.pk]))
    assert change.status_code == 200 and 'name="email"' not in change.content.decode()  # read-only
    response = organizer_client.post(reverse("admin:server_alert_delete", args=[alert.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Alert.objects.filter(pk=alert.pk).exists()
    assert not Digest.objects.filter(alert_id=alert.pk).exists()


def test_project_managers_see_none_of_it(pm_client, alerts):
    for name, args in (
        ("changelist", []),
        ("export", []),
        ("change", [alerts["confirmed"].pk]),
        ("delete", [alerts["confirmed"].pk]),
    ):
        assert pm_client.get(reverse(f"admin:server_alert_{name}", args=args)).status_code == 403, name
    dashboard = pm_client.get(reverse("admin:index")).content.decode()
    assert "Volunteer alerts" not in dashboard and "alert-figures" not in dashboard


def test_dashboard_counts_confirmed_alerts_and_digests_of_the_last_7_days(organizer_client, alerts):
    response = organizer_client.get(reverse("admin:index"))
    (panel,) = [panel for panel in response.context["panels"] if panel["title"] == "Volunteer alerts"]
    assert panel["alerts"]["confirmed"] == 1
    assert panel["alerts"]["digests_last_7_days"] == 2
    page = response.content.decode()
    assert "confirmed volunteer alert" in page and "alert digests sent in the last 7 days" in page
    assert "Volunteer alerts" in page  # the sidebar item
