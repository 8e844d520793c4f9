"""What every app's page forms share: labels without a colon, the identifier check's "Save
anyway", the live text check, and putting a service's refusal next to the field it concerns.

Field names of the apps' forms match their services' keyword arguments, so a `ValidationError`
a service raises with a field dict lands next to the field that caused it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from consultteam.accounts.models import User
from consultteam.textcheck.services import MAX_REASON, IdentifierFound

__all__ = [
    "LIVE_CHECK",
    "PageForm",
    "PersonChoiceField",
    "add_identifier_found",
    "add_service_errors",
    "check_live",
    "identifier_override_field",
]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's `ValidationError` on the form: each message next to its field where the
    form has that field, otherwise at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        if field in form.fields and field not in {"version"}:
            form.add_error(field, messages)
        else:
            form.add_error(None, messages)


class PageForm(forms.Form):
    """Labels without a trailing colon, as on the other pages."""

    # Set when the identifier check stopped the save: the page then offers "Save anyway".
    identifier_found: IdentifierFound | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def offers_override(self) -> bool:
        """Show "Save anyway": the check stopped this save, or a reason was already typed."""
        return self.identifier_found is not None or bool(
            self.is_bound and self.data.get("identifier_override")
        )


def identifier_override_field() -> forms.CharField:
    """The reason for saving text the identifier check flagged (audited; asked for only once
    the check has stopped a save)."""
    return forms.CharField(
        required=False,
        max_length=MAX_REASON,
        strip=True,
        label="Reason for keeping it",
        help_text=(
            "Only if it cannot identify the client (a public service's phone number, say). "
            "Saving anyway is recorded in the audit trail."
        ),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_REASON, "data-override": ""}),
    )


def add_identifier_found(form: PageForm, error: IdentifierFound) -> None:
    """The identifier check stopped the save: say what was found, next to the field where
    the form has it, and offer to save anyway with a reason."""
    form.identifier_found = error
    form.add_error(None, error.message)
    for field in error.fields:
        if field in form.fields:
            form.add_error(field, "This may identify a client: see above.")


# The free-text fields checked live while typing (static/js/app.js), with the check's address.
LIVE_CHECK = {"data-text-check": "/api/v1/text-checks/"}


def check_live(form: forms.Form, *names: str) -> None:
    """Mark the named fields of ``form`` for the live text check. Changes only the form."""
    for name in names:
        if name in form.fields:
            form.fields[name].widget.attrs.update(LIVE_CHECK)


class PersonChoiceField(forms.ModelChoiceField[User]):
    """A choice of a person, shown by the name they go by."""

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name
