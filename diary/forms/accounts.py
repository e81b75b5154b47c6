from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.validators import MaxLengthValidator
from django.db import transaction

from diary.models import Profile
from diary.throttling import lift_lockout
from diary.vocabularies import TIME_ZONES


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(TIME_ZONES)]


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional: only used to reset a forgotten password."
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        initial=settings.TIME_ZONE,
        help_text="Your times are shown in this zone. Filled in from your device when it can.",
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]  # not in the stubs
        model = User
        fields = ["username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # static/js/spasmlog.js fills in the device's zone, but only on a blank form.
            self.fields["time_zone"].widget.attrs["data-detect-time-zone"] = ""

    @transaction.atomic
    def save(self, commit: bool = True) -> User:
        user = super().save(commit=True)
        Profile.objects.create(user=user, time_zone=self.cleaned_data["time_zone"])
        return user


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets max_length after the field built its validators, so Django
        # never enforces it; a name longer than any account's is refused beside the field.
        username = cast(forms.CharField, self.fields["username"])
        username.validators.append(MaxLengthValidator(username.max_length))


class ResetPasswordForm(SetPasswordForm):
    """A new password from a reset link also ends a log-in lock-out on the account: whoever
    holds the link reads the account's mail, so they are its owner."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit)
        lift_lockout(user.get_username())
        return user
