"""A small catalog for the import tests."""

import pytest

from server.tests.factories import CommunityOfPracticeFactory, ProjectFactory, RoleFactory, SkillFactory


@pytest.fixture
def people(db):
    """A small catalog: Data Engineer in two communities, a few skills, one project."""
    data = CommunityOfPracticeFactory(name="Data Science")
    devops = CommunityOfPracticeFactory(name="DevOps")
    RoleFactory(title="Data Engineer", community_of_practice=data)
    RoleFactory(title="Data Engineer", community_of_practice=devops)
    RoleFactory(title="Site Reliability Engineer", community_of_practice=devops)
    for name in ("Python", "Django", "SQL", "Docker", "Terraform"):
        SkillFactory(name=name)
    ProjectFactory(name="Food Oasis")
    return {"data": data, "devops": devops}
