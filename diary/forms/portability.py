from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from diary.files.diaryfile import DiaryFileError, ParsedDiary, stopped_upload_message
from diary.files.portability import read_upload
from diary.signedin import User


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that passed every check: its name, its bytes and what it holds."""

    name: str
    raw: bytes
    parsed: ParsedDiary


class DiaryUploadForm(forms.Form):
    file = forms.FileField(
        label="Diary file or CSV",
        help_text="A spasmlog diary file (.json), or an episodes or check-ins CSV file.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )

    def __init__(self, user: User, *args, stopped_for_size: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if stopped_for_size:
            # diary.files.uploads stopped the file at the limit, so the field arrives empty.
            self.fields["file"].error_messages["required"] = stopped_upload_message(
                settings.MAX_UPLOAD_BYTES
            )

    def clean_file(self) -> "CheckedUpload":
        upload = self.cleaned_data["file"]
        raw = upload.read()
        try:
            return CheckedUpload(upload.name or "", raw, read_upload(self.user, raw))
        except DiaryFileError as error:
            raise ValidationError(error.messages) from None


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # authenticate(), not check_password(): axes counts the failures, so a borrowed
        # session can't be used to guess the password.
        user = authenticate(
            self.request, username=self.request.user.get_username(), password=password
        )
        if user is None or user.pk != self.request.user.pk:
            raise ValidationError("That is not your password.")
        return password
