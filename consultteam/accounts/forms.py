from django import forms
from django.contrib.auth import forms as auth_forms

from consultteam.accounts.models import User
from consultteam.accounts.services import SIGN_IN_REFUSED


class UserCreationForm(auth_forms.UserCreationForm[User]):
    class Meta:
        model = User
        fields = ["email", "display_name", "time_zone"]


class SignInForm(auth_forms.AuthenticationForm):
    """Django's sign-in form, labelled for an email address."""

    error_messages = {
        # One message for every failure, so it never tells whether an account exists.
        "invalid_login": SIGN_IN_REFUSED,
        "inactive": SIGN_IN_REFUSED,
    }


class TwoFactorCodeForm(forms.Form):
    """One code: 6 digits from the authenticator app, or (where accepted) a recovery code."""

    code = forms.CharField(
        max_length=64,
        strip=True,
        label="Code",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )
