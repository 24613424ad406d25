"""Create the demo programme: ``loomlight manage load_demo [--seed N] [--with-passwords]``.

The demo's data run up to the day it is built; running it again on a later day adds the months,
lab samples and chemical uses that have passed since (with the seed it was built with) and changes
nothing else; on the same day it changes nothing. It prints what is there. The demo logins get the
shared demo password only in demo mode (LOOMLIGHT_ENV=demo) or with --with-passwords.
"""

from django.core.management.base import BaseCommand, CommandError

from loomlight.demo.generator import DEFAULT_SEED, DemoConflict, load_demo


class Command(BaseCommand):
    help = ("Create the fictional demo programme (once), with one login per role, and print its logins; "
            "run again, add the months that have passed since.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED}); the same seed gives the same demo")
        parser.add_argument("--with-passwords", action="store_true",
                            help="give the demo logins the demo password even outside demo mode (never on a public server)")

    def handle(self, *args, seed, with_passwords, **options):
        try:
            summary = load_demo(seed=seed, with_passwords=True if with_passwords else None)
        except DemoConflict as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("\n".join(summary.lines()))
