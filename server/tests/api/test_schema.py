"""Property-based run of the whole API against its own OpenAPI schema (schemathesis).

For every operation, generated requests — valid ones, then invalid ones — are sent
anonymously and with a staff token, with every check schemathesis has: no 5xx, documented
statuses, content types, headers and bodies, schema-valid input accepted and invalid input
refused, auth not ignored. Bounded (a few examples per operation and mode) so the whole run
takes seconds.

A schema cannot say which slugs, ids and skill names exist, nor which status moves are
allowed from the current one: valid examples get real references (`with_real_references`),
and leave the status alone; everything else is generated.
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

from server.models import CommunityOfPractice, MeetingTime, Opportunity, Project, Role, Skill
from server.tests.caching import clear_cache
from server.tests.factories import OpenOpportunityFactory, OpportunityFactory, OpportunitySkillFactory, UserFactory

# Every check schemathesis has (the CLI's `--checks all`): no 5xx, documented statuses,
# content types, headers and bodies, valid input accepted, invalid input rejected, auth not
# ignored, unsupported methods refused, and the rest.
load_all_checks()
ALL_CHECKS = CHECKS.get_all()
EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 10, schemathesis.GenerationMode.NEGATIVE: 5}


STAFF_EMAIL, STAFF_PASSWORD = "schema-staff@example.org", "schema-staff-password"


def with_real_references(case):
    """Replace, in a valid example, what refers to stored rows by rows that exist."""
    roles = list(Role.objects.order_by("pk").values_list("pk", flat=True))
    skills = iter(Skill.objects.order_by("name").values_list("name", flat=True))
    slug = CommunityOfPractice.objects.order_by("slug").values_list("slug", flat=True).first()
    project = Project.objects.order_by("slug").values_list("slug", flat=True).first()
    body = case.body if isinstance(case.body, dict) else {}
    if case.operation.path == "/api/auth/token/":
        body.update(email=STAFF_EMAIL, password=STAFF_PASSWORD)
    if "opportunity" in body:
        body["opportunity"] = str(Opportunity.objects.public().values_list("pk", flat=True).first())
    if "project" in body:
        body["project"] = project
    if "role" in body:
        body["role"] = roles[0]
    if "roles" in body:
        body["roles"] = roles[: len(body["roles"])]
    if body.get("community_of_practice"):
        body["community_of_practice"] = slug
    if "availability" in body:
        body["availability"] = "Mon 18:00-20:00"
    body.pop("status", None)  # which moves are allowed depends on the stored status
    for field in ("skills", "required_skills", "preferred_skills"):
        for item in body.get(field) or []:
            item["name"] = next(skills)  # each skill once across the lists
    query = case.query or {}
    for name, value in [("community_of_practice", slug), ("project", project), ("role", roles[0])]:
        if name in query:
            query[name] = value
    if "skill" in query:
        query["skill"] = [next(skills) for _ in query["skill"]] if isinstance(query["skill"], list) else next(skills)
    return case


@pytest.fixture
def api_schema(catalog, monkeypatch):
    UserFactory(email=STAFF_EMAIL, is_staff=True, password=STAFF_PASSWORD)
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
                if case.meta.generation.mode.is_positive:
                    with_real_references(case)
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
