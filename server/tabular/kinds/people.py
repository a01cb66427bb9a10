"""Volunteers (roles, availability, skills) and their applications."""

from __future__ import annotations

from django.db.models.functions import Lower

from server import services
from server.csv_columns import COLUMNS
from server.models import Application, AvailabilitySlot, Volunteer, VolunteerSkill
from server.tabular.kinds.base import Kind, grouped, sorted_tuple
from server.widgets import split_list


class VolunteersKind(Kind):
    name, model, label = "volunteers", Volunteer, "volunteer"
    columns = COLUMNS["volunteers"]
    relations = ("roles", "availability", "skills")
    required_new = ("email", "name")
    key_columns = ("email",)
    dependent = ("roles",)
    history = True

    def key(self, values):
        return values.get("email")

    def clean(self, column, value, values, current):
        if column == "roles":
            community = values.get("community_of_practice") or (current or {}).get("community_of_practice")
            held = (current or {}).get("roles", ())
            return sorted_tuple(
                {self.lookups.role(title, None, prefer=community, held=held) for title in split_list(str(value))}
            )
        return super().clean(column, value, values, current)

    def load_existing(self):
        return self._load(self.model.objects.all(), within={})

    def load_existing_keys(self, keys):
        volunteers = self.model.objects.alias(key=Lower("email")).filter(key__in=keys)  # the unique index's expression
        return self._load(volunteers, within={"volunteer__in": volunteers.values("pk")})

    def _load(self, volunteers, *, within: dict) -> dict:
        roles = grouped(Volunteer.roles.through.objects.filter(**within).values_list("volunteer_id", "role_id"))
        skills = grouped(VolunteerSkill.objects.filter(**within).values_list("volunteer_id", "skill_id", "level"))
        slots = grouped(
            AvailabilitySlot.objects.filter(**within).values_list("volunteer_id", "weekday", "start", "end")
        )
        fields = ("pk", *self.scalar)
        existing = {}
        for row in volunteers.values_list(*fields):
            state = dict(zip(fields, row, strict=True))
            pk = state["pk"]
            state["roles"] = sorted_tuple(roles.get(pk, ()))
            state["skills"] = sorted_tuple(skills.get(pk, ()))
            state["availability"] = sorted_tuple(slots.get(pk, ()))
            existing[state["email"].lower()] = state
        return existing

    raw_create = True

    def relation_table(self, column):
        if column == "roles":
            return Volunteer.roles.through, ("volunteer_id", "role_id")
        if column == "skills":
            return VolunteerSkill, ("volunteer_id", "skill_id", "level")
        return AvailabilitySlot, ("volunteer_id", "weekday", "start", "end")

    def relation_rows(self, column, pk, value):
        if column == "roles":
            return [(pk, role) for role in value]
        return [(pk, *item) for item in value]

    def relation_delete(self, column, pks):
        if column == "roles":
            Volunteer.roles.through.objects.filter(volunteer_id__in=pks).delete()
        elif column == "skills":
            VolunteerSkill.objects.filter(volunteer_id__in=pks).delete()
        else:
            AvailabilitySlot.objects.filter(volunteer_id__in=pks).delete()


class ApplicationsKind(Kind):
    name, model, label = "applications", Application, "application"
    columns = COLUMNS["applications"]
    stored_as = {"volunteer_email": "volunteer"}
    required_new = key_columns = ("opportunity_id", "volunteer_email")
    history = True

    def clean(self, column, value, values, current):
        cleaned = super().clean(column, value, values, current)
        if column == "opportunity_id":
            return self.lookups.opportunity(cleaned)
        if column == "volunteer_email":
            return self.lookups.volunteer(cleaned, given=value)
        return cleaned

    def key(self, values):
        if values.get("opportunity_id") is None or values.get("volunteer_email") is None:
            return None
        return values["opportunity_id"], values["volunteer_email"]

    def load_existing(self):
        return {
            (opportunity, volunteer): {
                "pk": pk,
                "opportunity_id": opportunity,
                "volunteer_email": volunteer,
                "status": status,
                "message": message,
            }
            for pk, opportunity, volunteer, status, message in self.model.objects.values_list(
                "pk", "opportunity_id", "volunteer_id", "status", "message"
            )
        }

    def before_update(self, instance, current, state, changed):
        # A status changed by the import answers the applicant like one changed in the admin.
        stamped = "status" in changed and services.stamp_first_response(
            application=instance, to=state["status"], now=self.now
        )
        if stamped:
            return {"first_response_at"}
        return set()

    def build(self, state):
        application = super().build(state)
        application.source = Application.Source.IMPORT
        application.created_at = self.now
        return application
