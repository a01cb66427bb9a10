"""InStatement (server/api/statements.py): a query compiled once per number of ids gives what
the queryset gives, for any ids of that number, and refuses a query that varies otherwise."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.api.statements import InStatement
from server.models import Opportunity, OpportunitySkill
from server.tests.factories import OpenOpportunityFactory, OpportunityFactory, OpportunitySkillFactory

pytestmark = pytest.mark.django_db


def skill_rows(pks):
    return (
        OpportunitySkill.objects.filter(opportunity__in=pks)
        .order_by("skill__name", "opportunity_id")
        .values_list("opportunity_id", "level", "skill__name")
    )


def test_rows_equal_the_querysets_for_every_size_and_other_ids_of_the_same_size():
    opportunities = [OpenOpportunityFactory() for _ in range(4)] + [OpportunityFactory(expires_on=None)]
    for index, opportunity in enumerate(opportunities):
        for level in range(1, 1 + index % 3 + 1):
            OpportunitySkillFactory(opportunity=opportunity, level=level)
    statement = InStatement(Opportunity, skill_rows)
    pks = [opportunity.pk for opportunity in opportunities]
    for size in (1, 2, 5):
        for start in range(len(pks) - size + 1):
            chosen = pks[start : start + size]
            assert [tuple(row) for row in statement.rows(chosen)] == list(skill_rows(chosen))
    # Converted as Django converts them (UUIDs, dates and times), whatever the database.
    rows = InStatement(
        Opportunity, lambda ids: Opportunity.objects.filter(pk__in=ids).values_list("pk", "published_at")
    )
    found = dict(tuple(row) for row in rows.rows(pks[:2]))
    assert found == dict(Opportunity.objects.filter(pk__in=pks[:2]).values_list("pk", "published_at"))
    assert rows.rows([]) == []


def test_one_query_per_run_and_unknown_ids_give_no_row():
    opportunity = OpenOpportunityFactory()
    statement = InStatement(Opportunity, lambda ids: Opportunity.objects.filter(pk__in=ids).values_list("title"))
    statement.rows([opportunity.pk])
    with CaptureQueriesContext(connection) as captured:
        assert [tuple(row) for row in statement.rows([opportunity.pk])] == [(opportunity.title,)]
        assert statement.rows([OpportunityFactory.build().pk]) == []
    assert len(captured) == 2


def test_a_query_that_varies_otherwise_is_refused():
    opportunity = OpenOpportunityFactory()
    statement = InStatement(
        Opportunity, lambda ids: Opportunity.objects.filter(pk__in=ids, title__startswith="x").values_list("pk")
    )
    with pytest.raises(ValueError, match="parameters are not the ids given"):
        statement.rows([opportunity.pk])
