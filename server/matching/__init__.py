"""Matching volunteers and opportunities (DESIGN.md, "Matching").

- scoring.py: the four pure components, the score and the no-skill rule;
- explain.py: the same numbers in words;
- loading.py: database rows → plain values;
- compact.py + changes.py: every candidate in numpy columns, kept current through a change
  log written by database triggers;
- ranking.py: the two rankings, equal to scoring every candidate with scoring.py.

Callers (admin, API, `manage.py match`, alerts) import from here.
"""

from server.matching.explain import Names, explain
from server.matching.loading import need_for, saved_profile
from server.matching.ranking import OpportunityMatch, VolunteerMatch, rank_opportunities, rank_volunteers
from server.matching.scoring import (
    WEIGHTS,
    Breakdown,
    Need,
    Profile,
    availability_component,
    combine,
    evaluate,
    hours_component,
    interest_component,
    is_match,
    reference_date,
    score,
    skills_component,
)

__all__ = [
    "WEIGHTS",
    "Breakdown",
    "Names",
    "Need",
    "OpportunityMatch",
    "Profile",
    "VolunteerMatch",
    "availability_component",
    "combine",
    "evaluate",
    "explain",
    "hours_component",
    "interest_component",
    "is_match",
    "need_for",
    "saved_profile",
    "rank_opportunities",
    "rank_volunteers",
    "reference_date",
    "score",
    "skills_component",
]
