"""Two projects, one managed by the `project_manager` fixture, with a posting and an applicant each."""

import pytest

from server.tests.factories import (
    ApplicationFactory,
    CommunityOfPracticeFactory,
    OpenOpportunityFactory,
    OpportunityFactory,
    ProjectFactory,
    RoleFactory,
    SkillFactory,
    VolunteerFactory,
)


@pytest.fixture
def world(project_manager):
    design = CommunityOfPracticeFactory(name="UI/UX")
    engineering = CommunityOfPracticeFactory(name="Engineering")
    designer = RoleFactory(title="UX Designer", community_of_practice=design)
    developer = RoleFactory(title="Backend Developer", community_of_practice=engineering)
    mine = ProjectFactory(name="Food Oasis")
    mine.managers.add(project_manager)
    theirs = ProjectFactory(name="VRMS")
    my_draft = OpportunityFactory(project=mine, role=developer, title="Django developer")
    my_open = OpenOpportunityFactory(project=mine, role=designer, title="Product designer")
    their_draft = OpportunityFactory(project=theirs, role=developer, title="Secret VRMS draft")
    their_open = OpenOpportunityFactory(project=theirs, role=designer, title="VRMS designer")
    ada = VolunteerFactory(name="Ada Lovelace", email="ada@example.com")
    my_application = ApplicationFactory(opportunity=my_open, volunteer=ada)
    their_application = ApplicationFactory(opportunity=their_open, volunteer=ada)
    return {
        "design": design,
        "engineering": engineering,
        "designer": designer,
        "developer": developer,
        "mine": mine,
        "theirs": theirs,
        "my_draft": my_draft,
        "my_open": my_open,
        "their_draft": their_draft,
        "their_open": their_open,
        "ada": ada,
        "my_application": my_application,
        "their_application": their_application,
        "python": SkillFactory(name="Python"),
        "django": SkillFactory(name="Django"),
        "figma": SkillFactory(name="Figma"),
    }
