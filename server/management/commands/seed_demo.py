from time import perf_counter

from django.core.management.base import BaseCommand

from server.seeding import seed_demo


class Command(BaseCommand):
    help = "Load the real catalog, the demo accounts and generated volunteers, opportunities and applications."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="civictech", help="Password of the demo accounts (default: civictech)."
        )
        parser.add_argument("--volunteers", type=int, default=300, help="Generated volunteers (default: 300).")
        parser.add_argument("--opportunities", type=int, default=80, help="Generated opportunities (default: 80).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")

    def handle(self, *args, password, volunteers, opportunities, seed, **options):
        started = perf_counter()
        report = seed_demo(password=password, volunteers=volunteers, opportunities=opportunities, seed=seed)
        self.stdout.write(f"{report} in {perf_counter() - started:.1f}s")
