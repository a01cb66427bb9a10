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


@pytest.mark.browser
def test_organizers_see_the_alerts_list_and_dashboard_card_project_managers_do_not(page):
    from playwright.sync_api import expect

    from server.alerts import services as alert_services
    from server.models import Skill
    from server.tests.browser.conftest import sign_in

    skills = {name: Skill.objects.get(name__iexact=name) for name in ("Python", "SQL")}  # the demo's catalog
    confirmed = alert_services.alert_subscribe(email="ada@example.com", skills=[(skills["Python"], 4)])
    alert_services.alert_confirm(alert=confirmed)
    alert_services.alert_subscribe(email="grace@example.com", skills=[(skills["SQL"], 2)], frequency="daily")
    sign_in(page, "admin@example.org")
    card = page.get_by_test_id("alert-figures")
    expect(card.get_by_text("confirmed volunteer alert")).to_be_visible()
    expect(card.locator(".alert-value").first).to_have_text("1")
    snap(page, "alert-dashboard")
    page.locator('a[href="/admin/server/alert/"]').first.click()  # the sidebar item
    expect(page.get_by_text("ada@example.com")).to_be_visible()
    expect(page.get_by_text("grace@example.com")).to_be_visible()
    snap(page, "alert-admin-list")

    page.context.clear_cookies()
    sign_in(page, "pm@example.org")
    expect(page.get_by_test_id("alert-figures")).to_have_count(0)
    expect(page.locator('a[href^="/admin/server/alert/"]')).to_have_count(0)
    assert page.goto("/admin/server/alert/").status == 403
