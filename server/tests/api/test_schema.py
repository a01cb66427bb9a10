"""Property-based run of the whole API against its own OpenAPI schema (schemathesis).

For every operation, generated requests — valid ones, then invalid ones — are sent
anonymously and with a staff token. No response may be a 5xx, and every response must use
a documented status code, content type and body shape. Bounded (a few examples per
operation and mode) so the whole run takes seconds.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from schemathesis.checks import CHECKS, load_all_checks

from server.models import MeetingTime, Opportunity, Project, Role, Skill
from server.tests.caching import clear_cache
from server.tests.factories import OpenOpportunityFactory, OpportunityFactory, OpportunitySkillFactory

# Every check schemathesis has (the CLI's `--checks all`): no 5xx, documented statuses,
# content types, headers and bodies, valid input accepted, invalid input rejected, auth not
# ignored, unsupported methods refused, and the rest.
load_all_checks()
ALL_CHECKS = CHECKS.get_all()
EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 10, schemathesis.GenerationMode.NEGATIVE: 5}


@pytest.fixture
def api_schema(catalog, monkeypatch):
    # Throttling is tested on its own; here it would only turn later examples into 429s.
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "100000/minute")
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "applications", "100000/minute")
    clear_cache()
    project = Project.objects.filter(meeting_times__isnull=False).first()
    assert MeetingTime.objects.filter(project=project).exists()
    role, skills = Role.objects.first(), list(Skill.objects.all()[:3])
    for opportunity in [OpenOpportunityFactory(project=project, role=role), OpportunityFactory(project=project)]:
        for skill in skills:
            OpportunitySkillFactory(opportunity=opportunity, skill=skill)
    # Requests go through the real WSGI handler in this thread and this test's transaction. Like
    # Django's test client, keep the handler from closing that connection after each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run(schema, headers):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15  # every endpoint of DESIGN.md is in the schema
    failures = []
    for operation in operations:
        for mode, examples in EXAMPLES.items():

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                case.call_and_validate(headers=headers, checks=ALL_CHECKS)

            try:
                check()
            except Unsatisfiable:
                # An operation whose every input accepts any string (or that takes none, like the
                # health check) has no invalid input to generate. Valid input always exists.
                assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as error:  # schemathesis: a FailureGroup; run them all
                failures.append(f"{operation.label} ({mode.value}): {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db
def test_anonymous_calls_conform_to_the_schema(api_schema):
    run(api_schema, headers={})
    assert Opportunity.objects.filter(status="draft").count() == 1  # anonymous callers wrote nothing


@pytest.mark.django_db
def test_staff_calls_conform_to_the_schema(api_schema, organizer):
    token = Token.objects.create(user=organizer)
    run(api_schema, headers={"Authorization": f"Token {token.key}"})
