"""Natural keys (names, titles, emails) → ids, loaded once per file: a 100k-row file costs a
handful of queries rather than one per cell."""

from __future__ import annotations

from collections import defaultdict

from server.models import CommunityOfPractice, Opportunity, Project, Role, Skill, User, Volunteer
from server.models.catalog import skill_key
from server.widgets import CellError


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
        table = self._cache.get("skills") or self._load("skills", Skill.objects.by_key)  # 5 a row: no manager
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
