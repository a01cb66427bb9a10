# ruff: noqa: F811 (the fixtures imported from server.tests.alerts.conftest are parameters here)
"""Unsubscribing through the page in Chromium (issue 15): after it, no email ever reaches the
address, not even after a new subscription attempt that is never confirmed (only its
confirmation goes out). Real SMTP server (aiosmtpd), the worker's own code in process."""

from urllib.parse import urlsplit

import pytest

from server import services
from server.alerts.digests import send_digest
from server.alerts.emails import unsubscribe_url
from server.models import Alert, AlertDelivery
from server.tests.alerts.conftest import make_draft, project, skills  # noqa: F401 (fixtures)
from server.tests.alerts.test_alert_flow import confirm, subscribe
from server.tests.browser.conftest import snap


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_unsubscribe_through_the_page_in_chromium_then_nothing_ever(
    chromium,
    live_server,
    skills,
    make_draft,
    smtp_server,
    run_tasks,
):
    from playwright.sync_api import expect

    subscribe()
    run_tasks()
    confirm(smtp_server.messages[0])
    alert = Alert.objects.get()
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(urlsplit(unsubscribe_url(alert)).path)
        expect(page.get_by_role("heading", name="Unsubscribe")).to_be_visible()
        snap(page, "alert-unsubscribe-page")
        page.get_by_role("button", name="Unsubscribe").click()
        expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
        snap(page, "alert-unsubscribed-page")
    finally:
        context.close()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None and not alert.skill_levels.exists()

    services.opportunity_publish(opportunity=make_draft(title="After unsubscribing"))
    subscribe()  # a new attempt, never confirmed: only its confirmation goes out
    services.opportunity_publish(opportunity=make_draft(title="After the new attempt"))
    run_tasks()
    send_digest.call(alert_id=alert.pk)
    run_tasks()
    assert [message["Subject"] for message in smtp_server.messages] == ["Confirm your Civic Tech Jobs alert"] * 2
    assert not AlertDelivery.objects.exists()
