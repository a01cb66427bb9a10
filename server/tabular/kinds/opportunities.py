"""Opportunities: postings with required and preferred skills, moved between statuses by the services' rule."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from server import services
from server.csv_columns import COLUMNS
from server.models import Opportunity, OpportunitySkill
from server.models.opportunities import skill_list_errors
from server.tabular.kinds.base import Kind, sorted_tuple


class OpportunitiesKind(Kind):
    name, model, label = "opportunities", Opportunity, "opportunity"
    columns = COLUMNS["opportunities"]
    relations = ("required_skills", "preferred_skills")
    not_stored = ("community_of_practice",)
    required_new = ("project", "role")
    key_columns = ("id",)
    key_optional = True
    dependent = ("role",)
    history = True

    def key(self, values):
        return values.get("id")

    def clean(self, column, value, values, current):
        if column == "role":
            community = values.get("community_of_practice")
            prefer = self.lookups.role_community(current["role"]) if current else None
            return self.lookups.role(str(value).strip(), community, prefer=prefer)
        if column == "community_of_practice":
            return self.lookups.community(str(value).strip())
        return super().clean(column, value, values, current)

    def load_existing(self):
        requirements = defaultdict(lambda: {"required": [], "preferred": []})
        for opportunity, skill, level, kind in OpportunitySkill.objects.values_list(
            "opportunity_id", "skill_id", "level", "kind"
        ):
            requirements[opportunity][kind].append((skill, level))
        fields = tuple(self.scalar.values())
        existing = {}
        for row in self.model.objects.values_list(*fields):
            state = dict(zip(self.scalar, row, strict=True))
            skills = requirements.get(state["id"], {"required": [], "preferred": []})
            state["pk"] = state["id"]
            state["community_of_practice"] = self.lookups.role_community(state["role"])
            state["required_skills"] = sorted_tuple(skills["required"])
            state["preferred_skills"] = sorted_tuple(skills["preferred"])
            existing[state["id"]] = state
        return existing

    def validate(self, state, current, values):
        errors = []
        community = values.get("community_of_practice")
        if community is not None and "role" not in values and self.lookups.role_community(state["role"]) != community:
            errors.append(
                (
                    "community_of_practice",
                    f'"{self.lookups.community_name(community)}" is not the role\'s community',
                )
            )
        both = {skill for skill, _ in state["required_skills"]} & {skill for skill, _ in state["preferred_skills"]}
        if both:  # the model's rule and words (skill_list_errors), asked only when it applies
            name = self.lookups.skill_name
            found = skill_list_errors(
                required=[(pk, name(pk)) for pk, _ in state["required_skills"]],
                preferred=[(pk, name(pk)) for pk, _ in state["preferred_skills"]],
            )
            errors.extend((column, message) for column, messages in found.items() for message in messages)
        from_status = current["status"] if current is not None else None
        if state["status"] != (from_status or Opportunity.Status.DRAFT):
            # The same rule, and so the same message, as opportunity_transition.
            try:
                services.check_transition(
                    title=Opportunity.default_title(state["title"], self.lookups.role_title(state["role"])),
                    current=from_status,
                    to=state["status"],
                    expires_on=state["expires_on"],
                )
            except services.ServiceError as error:
                errors.append(("status", " ".join(error.messages)))
        return errors

    raw_create = True

    def build_row(self, state):
        row = super().build_row(state)
        if not row["title"]:
            row["title"] = Opportunity.default_title(row["title"], self.lookups.role_title(row["role_id"]))
        row.update(services.editor_stamp(by=self.user, new=True))
        if row["status"] != Opportunity.Status.DRAFT:
            # An imported posting that is past draft was published at some point: now, as far as we know.
            opportunity = SimpleNamespace(published_at=self.now if row["status"] != Opportunity.Status.CLOSED else None)
            opportunity.filled_at = opportunity.closed_at = None
            services.stamp_status_change(opportunity=opportunity, to=row["status"], now=self.now)
            row.update(vars(opportunity))
        return row

    def before_update(self, instance, current, state, changed):
        fields = {"updated_by"}
        services.stamp_editor(opportunity=instance, by=self.user)
        if "status" in changed:
            services.stamp_status_change(opportunity=instance, to=state["status"], now=self.now)
            fields |= {"published_at", "filled_at", "closed_at"}
        return fields

    def relation_table(self, column):
        return OpportunitySkill, ("opportunity_id", "skill_id", "level", "kind")

    def relation_rows(self, column, pk, value):
        kind = OpportunitySkill.Kind.REQUIRED if column == "required_skills" else OpportunitySkill.Kind.PREFERRED
        return [(pk, skill, level, kind) for skill, level in value]

    def relation_delete(self, column, pks):
        kind = OpportunitySkill.Kind.REQUIRED if column == "required_skills" else OpportunitySkill.Kind.PREFERRED
        OpportunitySkill.objects.filter(opportunity_id__in=pks, kind=kind).delete()
