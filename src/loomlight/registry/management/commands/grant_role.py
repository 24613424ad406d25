"""Give a user a role within one scope: ``loomlight manage grant_role alice facility_manager facility:12``."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from loomlight.registry import services
from loomlight.registry.models import Role


class Command(BaseCommand):
    help = "Give USER the ROLE within SCOPE (programme:ID, organisation:ID, park:ID or facility:ID)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help=", ".join(Role.values))
        parser.add_argument("scope", help="programme:ID | organisation:ID | park:ID | facility:ID")

    def handle(self, *args, username, role, scope, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"username: no user {username!r}") from None
        scope_type, _sep, scope_id = scope.partition(":")
        if not scope_id.isdigit():
            raise CommandError(f"scope: expected TYPE:ID such as facility:12, not {scope!r}")
        operator = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if operator is None:
            raise CommandError("create an operator first: loomlight manage createsuperuser")
        try:
            membership = services.membership_create(by=operator, user=user, role=role, scope_type=scope_type, scope_id=int(scope_id), via="cli")
        except ValidationError as exc:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()) if hasattr(exc, "error_dict") else " ".join(exc.messages)
            raise CommandError(details) from None
        self.stdout.write(f"{membership}")
