"""CSV import: one service for every kind of DESIGN.md, shared by the command, the admin and seed_demo.

The rules (DESIGN.md "CSV import/export"):
- the header is checked before any row is read: every column, no others, in any case/order;
- every cell goes through its resource's widget; a bad cell is an error naming row, column
  and value (the header is row 1, so the first data row is row 2, as in a spreadsheet);
- all-or-nothing: rows are all read and checked first, and only a file without errors is
  written, inside one transaction;
- a blank cell keeps the stored value on update; a row whose cells all match the stored
  values is "unchanged" and not written at all, so re-importing a file changes nothing.

Speed: django-import-export's per-row machinery (one instance load and one save per row)
manages a few hundred volunteers a second. Here the widgets still parse and validate every
cell, but lookups are cached once per file, existing rows are loaded in one query per table
as plain tuples, and writes are bulk_create / bulk_update in batches, with skills,
availability, meeting times and many-to-many rows written the same way. History rows are
written in bulk too, with the importing user and the reason "CSV import".
"""

from __future__ import annotations

import csv
import gc
import io
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils import timezone

from server import services
from server.csv_columns import COLUMNS
from server.models import (
    Application,
    AvailabilitySlot,
    CommunityOfPractice,
    MeetingTime,
    Opportunity,
    OpportunitySkill,
    Project,
    Role,
    Skill,
    User,
    Volunteer,
    VolunteerSkill,
)
from server.models.catalog import default_slug, skill_key
from server.models.opportunities import skill_list_errors
from server.models.validators import NUL_MESSAGE
from server.widgets import CellError, split_list, unescape_formula

BATCH = 2000
MEMO_LIMIT = 50_000  # distinct cells remembered per column
SQLITE_CACHE_KIB = 256 * 1024
PREVIEW_ROWS = 20
HISTORY_REASON = "CSV import"


@dataclass
class PreviewRow:
    number: int
    action: str  # new | updated | unchanged
    cells: list


@dataclass
class ImportReport:
    kind: str
    dry_run: bool = False
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return f"new {self.new}, updated {self.updated}, unchanged {self.unchanged}, errors {len(self.errors)}"

    def __str__(self) -> str:
        return self.summary


# --- reading ------------------------------------------------------------------------------


def decode(data: bytes | str) -> str:
    """UTF-8 with or without BOM; anything else is refused with a message, not a traceback."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CellError(f"the file is not UTF-8 text (byte {error.start} cannot be read)") from None


def read_csv(data: bytes | str) -> tuple[list[str], Iterable[tuple[int, list]]]:
    """The header and the data rows, numbered as a spreadsheet numbers them (header = row 1)."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    try:
        headers = next(reader)
    except StopIteration:
        return [], []
    except csv.Error as error:
        raise CellError(f"the file is not CSV ({error})") from None
    return headers, _numbered(reader)


def _numbered(reader):
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):  # noqa: B007 - number is used after the loop
            yield number, cells
    except csv.Error as error:
        raise CellError(f"row {number + 1}: the file is not CSV ({error})") from None


def _normalise(value):
    """A cell as the widgets expect it: stripped text without the formula escape, or a typed value
    (numbers and dates from XLSX). None and whitespace become "", which means "keep"."""
    if value.__class__ is str:
        value = value.strip()
        return unescape_formula(value) if value[:1] == "'" else value
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_formula(value.strip())
    return value


# --- lookups --------------------------------------------------------------------------------


class Lookups:
    """Natural keys → ids, loaded once per file on first use. Every miss is a CellError."""

    def __init__(self):
        self._cache = {}

    def _load(self, name, loader):
        if name not in self._cache:
            self._cache[name] = loader()
        return self._cache[name]

    def community(self, name: str) -> int:
        table = self._load(
            "communities", lambda: {n.lower(): pk for pk, n in CommunityOfPractice.objects.values_list("pk", "name")}
        )
        try:
            return table[name.lower()]
        except KeyError:
            raise CellError(f'"{name}" is not a community of practice') from None

    def community_name(self, pk: int) -> str:
        names = self._load("community_names", lambda: dict(CommunityOfPractice.objects.values_list("pk", "name")))
        return names.get(pk, "?")

    def skill(self, name: str) -> int:
        table = self._load("skills", Skill.objects.by_key)
        try:
            return table[skill_key(name)]
        except KeyError:
            raise CellError(f'"{name}" is not a skill') from None

    def skill_name(self, pk: int) -> str:
        return self._load("skill_names", lambda: dict(Skill.objects.values_list("pk", "name")))[pk]

    def project(self, name: str) -> int:
        table = self._load("projects", lambda: {n.lower(): pk for pk, n in Project.objects.values_list("pk", "name")})
        try:
            return table[name.lower()]
        except KeyError:
            raise CellError(f'"{name}" is not a project') from None

    def manager(self, email: str) -> int:
        table = self._load(
            "staff", lambda: {e.lower(): pk for pk, e in User.objects.filter(is_staff=True).values_list("pk", "email")}
        )
        try:
            return table[email.lower()]
        except KeyError:
            raise CellError(f'"{email}" is not the email of a staff user') from None

    def _roles(self) -> dict[str, list[tuple[int, int]]]:
        def load():
            table = defaultdict(list)
            for pk, title, cop in Role.objects.values_list("pk", "title", "community_of_practice_id"):
                table[title.lower()].append((pk, cop))
            return table

        return self._load("roles", load)

    def role(self, title: str, community: int | None, *, prefer: int | None = None, held=()) -> int:
        """The role with this title: in `community` if given; else one already `held` (so an
        exported row re-imports as it was); else in `prefer` if it has one there; else the only
        role with that title."""
        candidates = self._roles().get(title.lower(), [])
        if not candidates:
            raise CellError(f'"{title}" is not a role')
        if community is None and held:
            for pk, _ in candidates:
                if pk in held:
                    return pk
        if community is not None:
            for pk, cop in candidates:
                if cop == community:
                    return pk
            raise CellError(f'"{title}" is not a role in {self.community_name(community)}')
        if prefer is not None:
            for pk, cop in candidates:
                if cop == prefer:
                    return pk
        if len(candidates) > 1:
            where = " and ".join(sorted(self.community_name(cop) for _, cop in candidates))
            raise CellError(f'"{title}" is a role in {where}: say which community of practice')
        return candidates[0][0]

    def role_title(self, pk: int) -> str:
        table = self._load("role_titles", lambda: dict(Role.objects.values_list("pk", "title")))
        return table[pk]

    def role_community(self, pk: int) -> int:
        table = self._load("role_cop", lambda: dict(Role.objects.values_list("pk", "community_of_practice_id")))
        return table[pk]

    def opportunity(self, pk) -> object:
        ids = self._load("opportunities", lambda: set(Opportunity.objects.values_list("pk", flat=True)))
        if pk not in ids:
            raise CellError(f'"{pk}" is not an opportunity')
        return pk

    def volunteer(self, email: str, given: str | None = None) -> object:
        table = self._load("volunteers", lambda: dict(Volunteer.objects.values_list("email", "pk")))
        try:
            return table[email.lower()]
        except KeyError:
            raise CellError(f'"{given or email}" is not a volunteer') from None


# --- kinds ----------------------------------------------------------------------------------


class Kind:
    """How one kind of file maps onto the database. Subclasses describe their columns; the
    generic `run_import` does the reading, checking and counting."""

    name: str
    model = None
    label: str = "row"
    columns: tuple[str, ...] = ()
    scalar: dict[str, str] = {}  # column → model attname, written as it is
    relations: tuple[str, ...] = ()  # columns written as child / many-to-many rows
    required_new: tuple[str, ...] = ()
    key_columns: tuple[str, ...] = ()
    key_optional = False  # a blank key makes a new row (opportunities' id)
    dependent: tuple[str, ...] = ()  # cleaned after the row's stored state is known
    unique: tuple[str, ...] = ()  # non-key columns unique across the table
    history = False

    def __init__(self, *, resource, lookups: Lookups, user=None, now=None):
        self.resource = resource
        self.widgets = {column: resource.fields[column].widget for column in self.columns}
        self.lookups = lookups
        self.user = user if getattr(user, "pk", None) else None
        self.now = now or timezone.now()

    # reading
    def clean(self, column, value, values, current):
        return self.widgets[column].clean(value, lookups=self.lookups)

    def key(self, values):
        return tuple(values.get(column) for column in self.key_columns)

    def load_existing(self) -> dict:
        raise NotImplementedError

    def defaults(self, values) -> dict:
        return {}

    def validate(self, state, current, values) -> list[tuple[str, str]]:
        """Rules across cells of the row (`values` holds only the cells given)."""
        return []

    # writing
    raw_create = False  # new rows written as plain tuples (UUID keys, so no ids to read back)
    new_ids = None  # an iterator of keys for new rows, set by _create_raw

    def build(self, state):
        return self.model(**{attname: state[column] for column, attname in self.scalar.items()})

    def build_row(self, state) -> dict:
        """A new row as attname → value, with every model default, for `insert_rows`."""
        if not hasattr(self, "_base_row"):
            self._base_row, self._per_row = {}, []
            for model_field in self.model._meta.concrete_fields:
                default = model_field.default
                if getattr(model_field, "auto_now", False) or default is timezone.now:
                    self._base_row[model_field.attname] = self.now
                elif default is uuid.uuid4 and model_field.attname not in self.scalar.values():
                    self._per_row.append(model_field.attname)
                elif default is uuid.uuid4:
                    self._base_row[model_field.attname] = None  # comes from the row's state
                else:
                    self._base_row[model_field.attname] = model_field.get_default()
        row = dict(self._base_row)
        for attname in self._per_row:
            row[attname] = next(self.new_ids) if self.new_ids is not None else uuid.uuid4()
        for column, attname in self.scalar.items():
            row[attname] = state[column]
        return row

    def before_update(self, instance, current, state, changed) -> set[str]:
        return set()

    def relation_table(self, column) -> tuple:
        """(model, attnames) of the rows that hold `column`."""
        raise NotImplementedError

    def relation_rows(self, column, pk, value) -> list[tuple]:
        return []

    def relation_delete(self, column, pks) -> None:
        pass


def _grouped(rows) -> dict:
    grouped = defaultdict(list)
    for owner, *rest in rows:
        grouped[owner].append(tuple(rest) if len(rest) > 1 else rest[0])
    return grouped


def _sorted_tuple(items) -> tuple:
    return tuple(sorted(items))


class CommunitiesKind(Kind):
    name, model, label = "communities", CommunityOfPractice, "community of practice"
    columns = COLUMNS["communities"]
    scalar = {"name": "name", "slug": "slug", "description": "description"}
    required_new = key_columns = ("name",)
    unique = ("slug",)

    def key(self, values):
        return values["name"].lower() if values.get("name") else None

    def load_existing(self):
        return {
            name.lower(): {"pk": pk, "name": name, "slug": slug, "description": description}
            for pk, name, slug, description in self.model.objects.values_list("pk", "name", "slug", "description")
        }

    def defaults(self, values):
        return {"slug": default_slug(values.get("name", "")), "description": ""}

    def validate(self, state, current, values):
        if not state["slug"]:
            return [("slug", f'cannot be made from the name "{state["name"]}": give one')]
        return []


class RolesKind(Kind):
    name, model, label = "roles", Role, "role"
    columns = COLUMNS["roles"]
    scalar = {"title": "title", "community_of_practice": "community_of_practice_id", "description": "description"}
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

    def defaults(self, values):
        return {"description": ""}


class SkillsKind(Kind):
    name, model, label = "skills", Skill, "skill"
    columns = COLUMNS["skills"]
    scalar = {"name": "name", "description": "description"}
    relations = ("communities_of_practice",)
    required_new = key_columns = ("name",)

    def key(self, values):
        return values["name"].lower() if values.get("name") else None

    def load_existing(self):
        communities = _grouped(
            Skill.communities_of_practice.through.objects.values_list("skill_id", "communityofpractice_id")
        )
        return {
            name.lower(): {
                "pk": pk,
                "name": name,
                "description": description,
                "communities_of_practice": _sorted_tuple(communities.get(pk, ())),
            }
            for pk, name, description in self.model.objects.values_list("pk", "name", "description")
        }

    def defaults(self, values):
        return {"description": "", "communities_of_practice": ()}

    def relation_table(self, column):
        return Skill.communities_of_practice.through, ("skill_id", "communityofpractice_id")

    def relation_rows(self, column, pk, value):
        return [(pk, cop) for cop in value]

    def relation_delete(self, column, pks):
        Skill.communities_of_practice.through.objects.filter(skill_id__in=pks).delete()


class ProjectsKind(Kind):
    name, model, label = "projects", Project, "project"
    columns = COLUMNS["projects"]
    scalar = {c: c for c in ("name", "slug", "status", "website_url", "repository_url", "slack_channel", "timezone")}
    relations = ("managers", "meeting_times")
    required_new = key_columns = ("name",)
    unique = ("slug",)
    history = True

    def key(self, values):
        return values["name"].lower() if values.get("name") else None

    def load_existing(self):
        managers = _grouped(Project.managers.through.objects.values_list("project_id", "user_id"))
        meetings = _grouped(MeetingTime.objects.values_list("project_id", "weekday", "start", "end", "label"))
        fields = ("pk", *self.scalar)
        existing = {}
        for row in self.model.objects.values_list(*fields):
            state = dict(zip(fields, row, strict=True))
            state["managers"] = _sorted_tuple(managers.get(state["pk"], ()))
            state["meeting_times"] = _sorted_tuple(meetings.get(state["pk"], ()))
            existing[state["name"].lower()] = state
        return existing

    def defaults(self, values):
        return {
            "slug": default_slug(values.get("name", "")),
            "status": Project.Status.ACTIVE,
            "website_url": "",
            "repository_url": "",
            "slack_channel": "",
            "timezone": Project._meta.get_field("timezone").get_default(),
            "managers": (),
            "meeting_times": (),
        }

    def validate(self, state, current, values):
        if not state["slug"]:
            return [("slug", f'cannot be made from the name "{state["name"]}": give one')]
        return []

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


class OpportunitiesKind(Kind):
    name, model, label = "opportunities", Opportunity, "opportunity"
    columns = COLUMNS["opportunities"]
    scalar = {
        "id": "id",
        "project": "project_id",
        "role": "role_id",
        "title": "title",
        "status": "status",
        "experience_level": "experience_level",
        "min_hours_per_week": "min_hours_per_week",
        "work_environment": "work_environment",
        "positions": "positions",
        "body": "body",
        "expires_on": "expires_on",
    }
    relations = ("required_skills", "preferred_skills")
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
            state["required_skills"] = _sorted_tuple(skills["required"])
            state["preferred_skills"] = _sorted_tuple(skills["preferred"])
            existing[state["id"]] = state
        return existing

    def defaults(self, values):
        return {
            "id": uuid.uuid4(),
            "title": "",
            "status": Opportunity.Status.DRAFT,
            "experience_level": Opportunity._meta.get_field("experience_level").default,
            "min_hours_per_week": Opportunity._meta.get_field("min_hours_per_week").default,
            "work_environment": Opportunity._meta.get_field("work_environment").default,
            "positions": 1,
            "body": "",
            "expires_on": None,
            "required_skills": (),
            "preferred_skills": (),
        }

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
        row["created_by_id"] = row["updated_by_id"] = self.user.pk if self.user else None
        if row["status"] != Opportunity.Status.DRAFT:
            # An imported posting that is past draft was published at some point: now, as far as we know.
            opportunity = SimpleNamespace(published_at=self.now if row["status"] != Opportunity.Status.CLOSED else None)
            opportunity.filled_at = opportunity.closed_at = None
            services.stamp_status_change(opportunity=opportunity, to=row["status"], now=self.now)
            row.update(vars(opportunity))
        return row

    def before_update(self, instance, current, state, changed):
        fields = {"updated_by"}
        instance.updated_by = self.user
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


class VolunteersKind(Kind):
    name, model, label = "volunteers", Volunteer, "volunteer"
    columns = COLUMNS["volunteers"]
    scalar = {
        "email": "email",
        "name": "name",
        "community_of_practice": "community_of_practice_id",
        "experience_level": "experience_level",
        "max_hours_per_week": "max_hours_per_week",
        "timezone": "timezone",
        "status": "status",
    }
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
            return _sorted_tuple(
                {self.lookups.role(title, None, prefer=community, held=held) for title in split_list(str(value))}
            )
        return super().clean(column, value, values, current)

    def load_existing(self):
        roles = _grouped(Volunteer.roles.through.objects.values_list("volunteer_id", "role_id"))
        skills = _grouped(VolunteerSkill.objects.values_list("volunteer_id", "skill_id", "level"))
        slots = _grouped(AvailabilitySlot.objects.values_list("volunteer_id", "weekday", "start", "end"))
        fields = ("pk", *self.scalar)
        existing = {}
        for row in self.model.objects.values_list(*fields):
            state = dict(zip(fields, row, strict=True))
            pk = state["pk"]
            state["roles"] = _sorted_tuple(roles.get(pk, ()))
            state["skills"] = _sorted_tuple(skills.get(pk, ()))
            state["availability"] = _sorted_tuple(slots.get(pk, ()))
            existing[state["email"].lower()] = state
        return existing

    def defaults(self, values):
        return {
            "community_of_practice": None,
            "roles": (),
            "experience_level": Volunteer._meta.get_field("experience_level").default,
            "max_hours_per_week": None,
            "timezone": Volunteer._meta.get_field("timezone").get_default(),
            "availability": (),
            "skills": (),
            "status": Volunteer.Status.ACTIVE,
        }

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
    scalar = {
        "opportunity_id": "opportunity_id",
        "volunteer_email": "volunteer_id",
        "status": "status",
        "message": "message",
    }
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

    def defaults(self, values):
        return {"status": Application.Status.NEW, "message": ""}

    def build(self, state):
        application = super().build(state)
        application.source = Application.Source.IMPORT
        application.created_at = self.now
        return application


KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (
        CommunitiesKind,
        RolesKind,
        SkillsKind,
        ProjectsKind,
        OpportunitiesKind,
        VolunteersKind,
        ApplicationsKind,
    )
}


# --- the import -----------------------------------------------------------------------------


def check_headers(kind: type[Kind], headers: list) -> tuple[dict[str, int], list[str]]:
    """Column → position, or the errors that stop the file before any row is read."""
    positions, errors, unknown = {}, [], []
    for index, header in enumerate(headers):
        name = str(header or "").strip().lower()
        if not name:
            if index == len(headers) - 1 and index:  # a trailing comma on the header line
                continue
            unknown.append(f"(blank, column {index + 1})")
        elif name in kind.columns:
            if name in positions:
                errors.append(f'row 1, {name}: the column "{name}" appears twice')
            positions[name] = index
        else:
            unknown.append(f'"{str(header).strip()}"')
    missing = [column for column in kind.columns if column not in positions]
    if missing:
        errors.append(f"row 1, header: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if unknown:
        errors.append(
            f"row 1, header: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(the {kind.name} columns are {', '.join(kind.columns)})"
        )
    return positions, errors


@contextmanager
def _bulk_write_settings(model):
    """On SQLite, a page cache large enough for the indexes a big import touches (the default
    2 MB makes it re-read pages it just wrote); restored afterwards."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def _same_text(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()


def _quote(value) -> str:
    return f'"{value}"'


def run_import(
    *,
    kind: str,
    headers: list,
    rows: Iterable[tuple[int, list]],
    user=None,
    dry_run: bool = False,
    resource=None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then (unless dry_run or any error) write them all in one transaction."""
    from server.resources import RESOURCES

    kind_class = KINDS[kind]
    handler = kind_class(resource=resource or RESOURCES[kind](), lookups=Lookups(), user=user)
    report = ImportReport(kind=kind, dry_run=dry_run, columns=list(kind_class.columns))
    positions, header_errors = check_headers(kind_class, headers)
    if header_errors:
        report.errors = header_errors
        return report

    # The plan holds a few small containers per row; with 100k rows CPython's cyclic collector
    # would walk them all again and again (none of them form cycles), so it pauses meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(handler, positions, rows, report, progress, dry_run)
    finally:
        if collecting:
            gc.enable()


def _run(handler, positions, rows, report, progress, dry_run) -> ImportReport:
    try:
        plan = _plan(handler, positions, rows, report, progress)
    except CellError as error:  # a file that stops being CSV half way
        report.errors.append(str(error))
    if report.errors:
        report.new = report.updated = report.unchanged = 0
        report.preview = []
        return report
    if not dry_run:
        try:
            with transaction.atomic(), _bulk_write_settings(handler.model):
                _write(handler, plan)
        except (IntegrityError, DatabaseError) as error:
            report.errors.append(f"the database refused the import, nothing was written: {error}")
            report.new = report.updated = report.unchanged = 0
    return report


def _clean(handler: Kind, column, value, values, current):
    if value.__class__ is str and "\x00" in value:
        raise CellError(NUL_MESSAGE)  # the API's and the admin's words (Django's validator)
    return handler.clean(column, value, values, current)


def _plan(handler: Kind, positions, rows, report: ImportReport, progress):
    existing = handler.load_existing()
    seen: dict = {}
    creates, updates = [], []
    unique_values = {column: {} for column in handler.unique}  # column → value → key (final state)
    unique_rows = {column: {} for column in handler.unique}  # column → key → (number, value)
    order = [c for c in handler.columns if c not in handler.dependent]
    rank = {column: index for index, column in enumerate(handler.columns)}
    # Most columns repeat a few values (communities, levels, zones, statuses): each distinct cell
    # is read by its widget once. Only successes are kept, so every bad cell is still reported.
    memo = {c: {} for c in order if c not in handler.key_columns}
    count = 0
    for number, cells in rows:
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count)
        raw = {column: _normalise(cells[index]) if index < len(cells) else "" for column, index in positions.items()}
        if all(value == "" for value in raw.values()):
            continue  # blank lines are ignored
        if len(cells) > len(positions) and any(
            _normalise(cell) != "" for i, cell in enumerate(cells) if i not in positions.values()
        ):
            report.errors.append(f"row {number}: more cells than columns in the header")
            continue
        values, row_errors = {}, []
        for column in order:
            value = raw[column]
            if value == "":
                continue
            seen_values = memo.get(column)
            if seen_values is not None and value.__class__ is str and value in seen_values:
                values[column] = seen_values[value]
                continue
            try:
                values[column] = cleaned = _clean(handler, column, value, values, None)
            except ValueError as error:
                row_errors.append((column, f"row {number}, {column}: {error}"))
            else:
                if seen_values is not None and value.__class__ is str and len(seen_values) < MEMO_LIMIT:
                    seen_values[value] = cleaned
        # Dependent columns are read even when another cell of the row is bad, so that every
        # error of the file is listed in one run.
        key = handler.key(values)
        current = existing.get(key) if key is not None else None
        for column in handler.dependent:
            if raw[column] == "":
                continue
            try:
                values[column] = _clean(handler, column, raw[column], values, current)
            except ValueError as error:
                row_errors.append((column, f"row {number}, {column}: {error}"))
        if row_errors:
            report.errors.extend(error for _, error in sorted(row_errors, key=lambda e: rank[e[0]]))
            continue
        if key is None and not handler.key_optional:
            missing = [c for c in handler.key_columns if c not in values]
            report.errors.extend(f"row {number}, {column}: is required" for column in missing)
            continue
        if key is not None:
            if key in seen:
                column = handler.key_columns[0]
                row_errors.append(f"row {number}, {column}: {_quote(raw[column])} already appears in row {seen[key]}")
            seen[key] = number
        if current is None:
            missing = [c for c in handler.required_new if c not in values]
            row_errors.extend(f"row {number}, {column}: is required for a new {handler.label}" for column in missing)
        if row_errors:
            report.errors.extend(row_errors)
            continue
        if current is None:
            state = handler.defaults(values)
            state.update(values)
            changed = set(values)
        else:
            # A key cell that differs only in case names the same row: it finds it, it does not rename it.
            values.update({c: current[c] for c in handler.key_columns if _same_text(values.get(c), current.get(c))})
            state = {**current, **values}
            changed = {column for column, value in values.items() if current.get(column) != value}
        report.errors.extend(
            f"row {number}, {column}: {message}" for column, message in handler.validate(state, current, values)
        )
        for column in handler.unique:
            unique_rows[column][key] = (number, state[column])
        if current is None:
            report.new += 1
            creates.append(state)
            action = "new"
        elif changed:
            report.updated += 1
            updates.append((current, state, changed))
            action = "updated"
        else:
            report.unchanged += 1
            action = "unchanged"
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append(PreviewRow(number, action, [raw[column] for column in handler.columns]))
    if progress is not None:
        progress(count)
    # Unique columns other than the key (slugs): check the table as it would be after the import.
    for column in handler.unique:
        owners = unique_values[column]
        for key, state in existing.items():
            if key not in unique_rows[column]:
                owners[state[column]] = key
        for key, (number, value) in sorted(unique_rows[column].items(), key=lambda item: item[1][0]):
            owner = owners.get(value)
            if owner is not None and owner != key:
                where = f"row {unique_rows[column][owner][0]}" if owner in unique_rows[column] else "an existing row"
                report.errors.append(f"row {number}, {column}: {_quote(value)} is already used by {where}")
            else:
                owners[value] = key
    return creates, updates


def _chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write(handler: Kind, plan) -> None:
    creates, updates = plan
    model = handler.model
    history = model.history if handler.history else None
    if handler.raw_create:
        _create_raw(handler, creates)
        creates = []
    for chunk in _chunks(creates):
        instances = [handler.build(state) for state in chunk]
        model.objects.bulk_create(instances, batch_size=500)
        if history is not None:
            history.bulk_history_create(
                instances,
                batch_size=500,
                default_user=handler.user,
                default_change_reason=HISTORY_REASON,
                default_date=handler.now,
            )
        _write_relations(
            handler,
            [(instance.pk, state) for instance, state in zip(instances, chunk, strict=True)],
            set(handler.relations),
        )

    for chunk in _chunks(updates):
        by_pk = model.objects.in_bulk([current["pk"] for current, _, _ in chunk])
        changed_instances, fields = [], set()
        relation_changes = []
        for current, state, changed in chunk:
            instance = by_pk[current["pk"]]
            scalar_changed = [column for column in changed if column in handler.scalar]
            for column in scalar_changed:
                setattr(instance, handler.scalar[column], state[column])
                fields.add(handler.scalar[column])
            fields |= handler.before_update(instance, current, state, changed)
            if hasattr(instance, "updated_at"):
                instance.updated_at = handler.now
                fields.add("updated_at")
            changed_instances.append(instance)
            relation_changes.append((instance.pk, state, changed))
        attnames = sorted({model._meta.get_field(name).attname for name in fields})
        if attnames:
            update_rows(
                model,
                attnames,
                [
                    (*(getattr(instance, attname) for attname in attnames), instance.pk)
                    for instance in changed_instances
                ],
            )
        if history is not None:
            _insert_history(handler, [vars(instance) for instance in changed_instances], "~")
        for column in handler.relations:
            owners = [pk for pk, _, changed in relation_changes if column in changed]
            if owners:
                handler.relation_delete(column, owners)
                _write_relations(
                    handler, [(pk, state) for pk, state, changed in relation_changes if column in changed], {column}
                )


def _create_raw(handler: Kind, creates) -> None:
    """New rows, their history and their child rows as plain tuples, a chunk at a time."""
    model = handler.model
    attnames = [model_field.attname for model_field in model._meta.concrete_fields]
    # New keys in ascending order: every index on them (the table's and its child tables') then
    # grows at one end instead of being split at random places, which is most of SQLite's cost.
    handler.new_ids = iter(sorted(uuid.uuid4() for _ in creates))
    for chunk in _chunks(creates, 10_000):
        rows = [handler.build_row(state) for state in chunk]
        insert_rows(model, attnames, [tuple(row[attname] for attname in attnames) for row in rows])
        if handler.history:
            _insert_history(handler, rows, "+")
        pk = model._meta.pk
        convert = _converter(pk, connections[router.db_for_write(model)]) or (lambda value: value)
        owners = [(convert(row[pk.attname]), state) for row, state in zip(rows, chunk, strict=True)]
        _write_relations(handler, owners, handler.relations, prepared=True)


def _insert_history(handler: Kind, rows: list[dict], history_type: str) -> None:
    """django-simple-history's records for rows (attname → value) just created ("+") or changed
    ("~"), by the importing user, written as plain tuples like the rows themselves."""
    history_model = handler.model.history.model
    tracked = [model_field.attname for model_field in history_model.tracked_fields]
    extra = (handler.now, HISTORY_REASON, history_type, handler.user.pk if handler.user else None)
    attnames = [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"]
    insert_rows(history_model, attnames, [(*(row[attname] for attname in tracked), *extra) for row in rows])


def update_rows(model, attnames, rows) -> None:
    """UPDATE … WHERE pk = … with executemany; each row is the values of `attnames`, then the key."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = {field.attname: field for field in model._meta.concrete_fields}
    pk = model._meta.pk
    converters = [_converter(fields[attname], connection) for attname in attnames] + [_converter(pk, connection)]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(fields[attname].column)} = %s" for attname in attnames),
        quote(pk.column),
    )
    _execute_many(connection, sql, rows, converters)


def _write_relations(handler: Kind, owners, columns, *, prepared=False) -> None:
    for column in handler.relations:
        if column not in columns:
            continue
        rows = [row for pk, state in owners for row in handler.relation_rows(column, pk, state[column])]
        model, attnames = handler.relation_table(column)
        insert_rows(model, attnames, rows, prepared_first=prepared)


def _converter(field, connection):
    """What a value of `field` must become before it goes to the database driver."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind == "UUIDField" and not connection.features.has_native_uuid_field:
        return lambda value: value.hex if value is not None else None
    if kind == "DateTimeField":
        # Every row of an import carries the same few timestamps: convert each once.
        adapt, seen = connection.ops.adapt_datetimefield_value, {}
        return lambda value: seen[value] if value in seen else seen.setdefault(value, adapt(value))
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    return None


def insert_rows(model, attnames, rows, *, prepared_first=False) -> None:
    """INSERT plain tuples with executemany: the ORM's bulk_create spends most of its time
    compiling each value, which for half a million skill rows is most of an import."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = {field.attname: field for field in model._meta.concrete_fields}
    converters = [_converter(fields[attname], connection) for attname in attnames]
    if prepared_first:  # the caller converted the owner's key once rather than once per child row
        converters[0] = None
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(fields[attname].column) for attname in attnames),
        ", ".join(["%s"] * len(attnames)),
    )
    _execute_many(connection, sql, rows, converters)


def _execute_many(connection, sql, rows, converters) -> None:
    converting = [(index, convert) for index, convert in enumerate(converters) if convert is not None]
    if converting:
        converted = []
        for row in rows:
            row = list(row)
            for index, convert in converting:
                row[index] = convert(row[index])
            converted.append(row)
        rows = converted
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def import_file(*, kind: str, data: bytes | str, user=None, dry_run: bool = False, progress=None) -> ImportReport:
    """Import a whole CSV file (bytes or text). The one entry point the command and seed_demo use."""
    try:
        headers, rows = read_csv(data)
    except CellError as error:
        return ImportReport(kind=kind, dry_run=dry_run, errors=[str(error)])
    if not headers:
        return ImportReport(kind=kind, dry_run=dry_run, errors=["row 1, header: the file is empty"])
    return run_import(kind=kind, headers=headers, rows=rows, user=user, dry_run=dry_run, progress=progress)
