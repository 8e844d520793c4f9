from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from clinic.demo import load_demo


class Command(BaseCommand):
    help = "Load the fictional demo teams and accounts (idempotent) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        password = settings.DEMO_PASSWORD
        people = load_demo(password=password)
        self.stdout.write(self.style.SUCCESS("Demo accounts (fictional), password: " + password))
        for person in people:
            self.stdout.write(f"  {person.email:<28} {person.role.label:<12} {person.team}")
