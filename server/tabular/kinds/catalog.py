"""The catalog kinds: communities, roles, skills, projects (with managers and meeting times)."""

from __future__ import annotations

from server.csv_columns import COLUMNS
from server.models import CommunityOfPractice, MeetingTime, Project, Role, Skill
from server.models.catalog import default_slug
from server.tabular.kinds.base import Kind, grouped, sorted_tuple


class Named(Kind):
    """Communities, skills and projects: a row is found by its name, ignoring case."""

    required_new = key_columns = ("name",)

    def key(self, values):
        return values["name"].lower() if values.get("name") else None


class NamedWithSlug(Named):
    """Communities and projects: a unique slug, made from the name unless one is given
    (default_slug, the models' save() rule)."""

    unique = ("slug",)

    def defaults(self, values):
        return {**super().defaults(values), "slug": default_slug(values.get("name", ""))}

    def validate(self, state, current, values):
        if not state["slug"]:
            return [("slug", f'cannot be made from the name "{state["name"]}": give one')]
        return []


class CommunitiesKind(NamedWithSlug):
    name, model, label = "communities", CommunityOfPractice, "community of practice"
    columns = COLUMNS["communities"]

    def load_existing(self):
        return {
            name.lower(): {"pk": pk, "name": name, "slug": slug, "description": description}
            for pk, name, slug, description in self.model.objects.values_list("pk", "name", "slug", "description")
        }


class RolesKind(Kind):
    name, model, label = "roles", Role, "role"
    columns = COLUMNS["roles"]
    required_new = key_columns = ("title", "community_of_practice")

    def key(self, values):
        if not values.get("title") or values.get("community_of_practice") is None:
            return None
        return values["title"].lower(), values["community_of_practice"]

    def load_existing(self):
        return {
            (title.lower(), cop): {"pk": pk, "title": title, "community_of_practice": cop, "description": description}
            for pk, title, cop, description in self.model.objects.values_list(
                "pk", "title", "community_of_practice_id", "description"
            )
        }


class SkillsKind(Named):
    name, model, label = "skills", Skill, "skill"
    columns = COLUMNS["skills"]
    relations = ("communities_of_practice",)

    def load_existing(self):
        communities = grouped(
            Skill.communities_of_practice.through.objects.values_list("skill_id", "communityofpractice_id")
        )
        return {
            name.lower(): {
                "pk": pk,
                "name": name,
                "description": description,
                "communities_of_practice": sorted_tuple(communities.get(pk, ())),
            }
            for pk, name, description in self.model.objects.values_list("pk", "name", "description")
        }

    def relation_table(self, column):
        return Skill.communities_of_practice.through, ("skill_id", "communityofpractice_id")

    def relation_rows(self, column, pk, value):
        return [(pk, cop) for cop in value]

    def relation_delete(self, column, pks):
        Skill.communities_of_practice.through.objects.filter(skill_id__in=pks).delete()


class ProjectsKind(NamedWithSlug):
    name, model, label = "projects", Project, "project"
    columns = COLUMNS["projects"]
    relations = ("managers", "meeting_times")
    history = True

    def load_existing(self):
        managers = grouped(Project.managers.through.objects.values_list("project_id", "user_id"))
        meetings = grouped(MeetingTime.objects.values_list("project_id", "weekday", "start", "end", "label"))
        fields = ("pk", *self.scalar)
        existing = {}
        for row in self.model.objects.values_list(*fields):
            state = dict(zip(fields, row, strict=True))
            state["managers"] = sorted_tuple(managers.get(state["pk"], ()))
            state["meeting_times"] = sorted_tuple(meetings.get(state["pk"], ()))
            existing[state["name"].lower()] = state
        return existing

    def relation_table(self, column):
        if column == "managers":
            return Project.managers.through, ("project_id", "user_id")
        return MeetingTime, ("project_id", "weekday", "start", "end", "label")

    def relation_rows(self, column, pk, value):
        if column == "managers":
            return [(pk, user) for user in value]
        return [(pk, *slot) for slot in value]

    def relation_delete(self, column, pks):
        if column == "managers":
            Project.managers.through.objects.filter(project_id__in=pks).delete()
        else:
            MeetingTime.objects.filter(project_id__in=pks).delete()
