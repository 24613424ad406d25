"""Issue an API token: ``loomlight manage issue_api_token --user alice --name "nightly export"``.

The raw token is printed once; only its hash is stored.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from loomlight.api.services import api_token_issue


class Command(BaseCommand):
    help = "Issue a personal API token for USERNAME and print it once."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="USERNAME")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. “nightly export”.")

    def handle(self, *args, user, name, **options):
        User = get_user_model()
        try:
            owner = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"--user: no user {user!r}") from None
        try:
            token, raw = api_token_issue(user=owner, name=name, via="cli")
        except ValidationError as exc:
            raise CommandError("; ".join(f"--{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())) from None
        self.stderr.write(f"Token {token.prefix}… ({token.name}) for {owner.username}. It is shown once; store it now:")
        self.stdout.write(raw)
