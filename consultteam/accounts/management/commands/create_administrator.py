"""`manage.py create_administrator`: the first administrator of a new installation.

Interactive by default (email, display name, password twice, checked by Django's password
validators). With ``--no-input`` it reads ADMIN_EMAIL, ADMIN_NAME and ADMIN_PASSWORD (or
ADMIN_PASSWORD_FILE) instead, for automation. The variables are read here, when the command
runs, never by the settings: no other process needs them.

Safe to run again: an email that is already an active administrator's is left as it is (exit
0, the password untouched), and one that belongs to anybody else is refused (exit 1): this
command never raises an existing account's rights. The new account is audited as a CREATE.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, TextIO

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from consultteam import env
from consultteam.accounts.models import User, normalize_email
from consultteam.audit.context import acting

NAME_LENGTH = User._meta.get_field("display_name").max_length or 120
ATTEMPTS = 3  # wrong answers in a row before an interactive run gives up


class Command(BaseCommand):
    help = (
        "Create the first administrator (staff and superuser). Asks for an email, a display "
        "name and a password; with --no-input reads ADMIN_EMAIL, ADMIN_NAME and ADMIN_PASSWORD "
        "(or ADMIN_PASSWORD_FILE). An existing administrator is left as is; any other existing "
        "account is refused."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="read ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdin: TextIO = options.get("stdin") or sys.stdin
        if options["interactive"]:
            email, name, password = self._ask()
        else:
            email, name, password = self._from_environment()
        with acting():  # one request id for what this run records
            self._create(email, name, password)

    # --- The answers -------------------------------------------------------------------------

    def _from_environment(self) -> tuple[str, str, str]:
        try:
            email = env.optional("ADMIN_EMAIL")
            name = env.optional("ADMIN_NAME")
            password = env.optional("ADMIN_PASSWORD")
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        missing = [
            variable
            for variable, value in (
                ("ADMIN_EMAIL", email),
                ("ADMIN_NAME", name),
                ("ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE)", password),
            )
            if not value
        ]
        if missing:
            raise CommandError(f"With --no-input, set {', '.join(missing)}. Nothing was created.")
        assert email is not None
        assert name is not None
        assert password is not None
        problems = [
            *_email_problems(email),
            *_name_problems(name),
            *_password_problems(password, email, name),
        ]
        if problems:
            raise CommandError(" ".join(problems) + " Nothing was created.")
        return normalize_email(email), name.strip(), password

    def _ask(self) -> tuple[str, str, str]:
        email = normalize_email(self._until_valid("Email: ", _email_problems))
        name = self._until_valid("Display name (how colleagues see you): ", _name_problems).strip()
        for _ in range(ATTEMPTS):
            password = self._secret("Password: ")
            if password != self._secret("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            problems = _password_problems(password, email, name)
            if not problems:
                return email, name, password
            self.stderr.write(" ".join(problems))
        raise CommandError("No acceptable password given. Nothing was created.")

    def _until_valid(self, prompt: str, problems_of: Any) -> str:
        for _ in range(ATTEMPTS):
            answer = self._line(prompt)
            problems = problems_of(answer)
            if not problems:
                return answer
            self.stderr.write(" ".join(problems))
        raise CommandError("No acceptable answer given. Nothing was created.")

    def _line(self, prompt: str) -> str:
        self.stdout.write(prompt, ending="")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise CommandError("Input ended before every answer was given. Nothing was created.")
        return line.rstrip("\r\n")

    def _secret(self, prompt: str) -> str:
        # At a terminal the password is not echoed; piped in (automation, tests), it is a line.
        if self.stdin is sys.stdin and sys.stdin.isatty():
            return getpass.getpass(prompt)
        return self._line(prompt)

    # --- The account -------------------------------------------------------------------------

    @transaction.atomic
    def _create(self, email: str, name: str, password: str) -> None:
        existing = User.objects.filter(email=email).first()
        if existing is not None:
            if existing.is_active and existing.is_staff and existing.is_superuser:
                self.stdout.write(
                    f"{email} is already an administrator; nothing was changed (not the "
                    "password either)."
                )
                return
            raise CommandError(
                f"An account with {email} already exists and is not an active administrator. "
                "Nothing was changed: this command never raises an existing account's rights. "
                "An administrator can do that in the admin pages, or choose another email."
            )
        try:
            with transaction.atomic():
                User.objects.create_superuser(email, password, display_name=name)
        except IntegrityError:  # another run created it at the same moment
            raise CommandError(f"An account with {email} was just created elsewhere.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the administrator {name} <{email}>. Sign in and set up two-factor "
                "sign-in; then start the teams on the Teams page."
            )
        )


def _email_problems(email: str) -> list[str]:
    try:
        validate_email(normalize_email(email))
    except ValidationError:
        return [f"{email.strip()!r} is not an email address."]
    return []


def _name_problems(name: str) -> list[str]:
    if not name.strip():
        return ["Give a display name, for example 'Dr. R. Vale'."]
    if len(name.strip()) > NAME_LENGTH:
        return [f"A display name has at most {NAME_LENGTH} characters."]
    return []


def _password_problems(password: str, email: str, name: str) -> list[str]:
    try:
        validate_password(password, user=User(email=normalize_email(email), display_name=name))
    except ValidationError as error:
        return list(error.messages)
    return []
