"""`manage.py match`: the ranked matches of server.matching as a plain table, then each match's
reasons in words, for scripts and debugging. Pairs with no skill in common are never listed."""

import uuid

from django.core.management.base import BaseCommand, CommandError

from server.matching import rank_opportunities, rank_volunteers, saved_profile
from server.models import Opportunity, Volunteer

COLUMNS = ("rank", "score", "skills", "hours", "availability", "interest")


def format_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    """Columns two spaces apart; the numeric ones (rank, score, components) right-aligned."""
    cells = [tuple(str(cell) for cell in row) for row in rows]
    widths = [max(len(column), *(len(row[i]) for row in cells)) for i, column in enumerate(header)]

    def line(values):
        parts = [
            value.rjust(width) if i < len(COLUMNS) else value.ljust(width)
            for i, (value, width) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), line(tuple("-" * width for width in widths)), *(line(row) for row in cells)])


def _components(match) -> tuple:
    b = match.breakdown
    return (match.score, f"{b.skills:.3f}", f"{b.hours:.3f}", f"{b.availability:.3f}", f"{b.interest:.3f}")


class Command(BaseCommand):
    help = (
        "Rank the best active volunteers for an opportunity (--opportunity ID) or the best open "
        "opportunities for a volunteer (--volunteer EMAIL), with the score, its four components and "
        "why in words. People holding none of a posting's skills are left out."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--opportunity", metavar="ID", help="Opportunity id (UUID): rank volunteers for it.")
        target.add_argument("--volunteer", metavar="EMAIL", help="Volunteer email: rank open opportunities for them.")
        parser.add_argument(
            "--limit", type=int, default=None, help="How many rows (default: 10 volunteers, 20 opportunities)."
        )

    def handle(self, *args, opportunity=None, volunteer=None, limit=None, **options):
        if limit is not None and not 1 <= limit <= 1000:
            raise CommandError(f"--limit must be between 1 and 1000, not {limit}.")
        if opportunity is not None:
            self._volunteers_for(self._opportunity(opportunity), limit or 10)
        else:
            self._opportunities_for(self._volunteer(volunteer), limit or 20)

    def _opportunity(self, value: str) -> Opportunity:
        try:
            pk = uuid.UUID(value.strip())
        except ValueError:
            raise CommandError(f'--opportunity: "{value}" is not an opportunity id (a UUID).') from None
        found = Opportunity.objects.select_related("project").filter(pk=pk).first()
        if found is None:
            raise CommandError(f'--opportunity: no opportunity with id "{value}".')
        return found

    def _volunteer(self, value: str) -> Volunteer:
        found = Volunteer.objects.filter(email__iexact=value.strip()).first()
        if found is None:
            raise CommandError(f'--volunteer: no volunteer with email "{value}".')
        return found

    def _volunteers_for(self, opportunity: Opportunity, limit: int) -> None:
        matches = rank_volunteers(opportunity=opportunity, limit=limit)
        self.stdout.write(f"Top {limit} active volunteers for {opportunity} [{opportunity.get_status_display()}]")
        rows = [
            (rank, *_components(match), match.volunteer.name, match.volunteer.email)
            for rank, match in enumerate(matches, 1)
        ]
        self._table((*COLUMNS, "name", "email"), rows, "No active volunteers.")
        self._why(matches)

    def _opportunities_for(self, volunteer: Volunteer, limit: int) -> None:
        matches = rank_opportunities(
            profile=saved_profile(volunteer),
            limit=limit,
            queryset=Opportunity.objects.select_related("project"),
        )
        self.stdout.write(f"Top {limit} open opportunities for {volunteer}")
        rows = [
            (rank, *_components(match), match.opportunity.title, match.opportunity.project.name, match.opportunity.pk)
            for rank, match in enumerate(matches, 1)
        ]
        self._table((*COLUMNS, "title", "project", "id"), rows, "No open opportunities.")
        self._why(matches)

    def _table(self, header, rows, empty: str) -> None:
        if not rows:
            self.stdout.write(empty)
            return
        self.stdout.write(format_table(header, rows))

    def _why(self, matches) -> None:
        """Each match's four sentences, under the table (the same words as the admin and the API)."""
        if not matches:
            return
        self.stdout.write("")
        self.stdout.write("Why:")
        for rank, match in enumerate(matches, 1):
            reasons = match.explanation
            self.stdout.write(
                f"{rank:>4}. skills: {reasons['skills']}; hours: {reasons['hours']}; "
                f"availability: {reasons['availability']}; interest: {reasons['interest']}"
            )
