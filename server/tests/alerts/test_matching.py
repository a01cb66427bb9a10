"""Alerts scored on the matching package's numpy table equal the pure functions one by one."""

import random

import pytest

from server import services
from server.alerts import services as alert_services
from server.alerts.matching import alert_scores, alert_scores_one_by_one
from server.models import OpportunitySkill
from server.schedule import Slot
from server.tests.factories import OpportunitySkillFactory, RoleFactory

pytestmark = pytest.mark.django_db

ZONES = ["America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC"]


def test_vectorised_scores_equal_scoring_one_by_one(skills, project, make_draft):
    rng = random.Random(15)
    roles = [RoleFactory() for _ in range(3)]
    names = list(skills)
    for index in range(150):
        alert = alert_services.alert_subscribe(
            email=f"v{index}@example.com",
            skills=[(skills[name], rng.randint(1, 5)) for name in rng.sample(names, rng.randint(0, 3))],
            roles=rng.sample(roles, rng.randint(0, 2)),
            max_hours_per_week=rng.choice([None, 2, 5, 10, 40]),
            timezone_name=rng.choice(ZONES),
            availability=[Slot(rng.randint(0, 6), start, start + rng.choice([60, 120, 240])) for start in (540, 1080)][
                : rng.randint(0, 2)
            ],
            min_score=rng.choice([0, 40, 60, 75]),
        )
        if index % 7:
            alert_services.alert_confirm(alert=alert)
    asks = make_draft(required={"Python": 3, "SQL": 2})
    OpportunitySkillFactory(opportunity=asks, skill=skills["Django"], level=2, kind=OpportunitySkill.Kind.PREFERRED)
    for opportunity in (asks, make_draft(title="No skills", required={})):
        opportunity.role = roles[0]
        opportunity.save()
        services.opportunity_publish(opportunity=opportunity)
        vectorised = alert_scores(opportunity)
        assert vectorised == alert_scores_one_by_one(opportunity)
        assert 0 < len(vectorised) < 150  # some match, some not: the comparison means something
