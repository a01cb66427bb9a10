import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from server.groups import ensure_groups


class Command(BaseCommand):
    help = (
        "Create (or promote) the first organizer of a fresh deployment: a staff account in the "
        "Organizers group, optionally a superuser. Also creates both staff groups. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable (for scripts); otherwise it is asked for.",
        )
        parser.add_argument("--superuser", action="store_true", help="Also make the account a superuser.")

    def handle(self, *args, email, password_env, superuser, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f'"{email}" is not an email address.') from None
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        password = self._password(password_env, required=user is None)
        if password is not None:
            try:
                validate_password(password, user or User(email=email))
            except ValidationError as error:
                raise CommandError("password: " + " ".join(error.messages)) from None
        with transaction.atomic():
            organizers, _ = ensure_groups()
            created = user is None
            if created:
                user = User.objects.create_user(email, password, is_staff=True)
            elif password is not None:
                user.set_password(password)
            user.is_staff = True
            user.is_active = True
            if superuser:
                user.is_superuser = True
            user.save()
            user.groups.add(organizers)
        role = "organizer (superuser)" if superuser else "organizer"
        self.stdout.write(f"{'Created' if created else 'Updated'} {role} {email}.")

    def _password(self, variable: str | None, *, required: bool) -> str | None:
        if variable:
            value = os.environ.get(variable, "")
            if not value:
                raise CommandError(f"environment variable {variable} is empty or not set.")
            return value
        if not sys.stdin.isatty():
            if required:
                raise CommandError("no terminal to ask for a password: pass --password-env VARIABLE.")
            return None
        first = getpass.getpass("Password: ")
        if not first and not required:
            return None
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ.")
        return first
