from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from diary.diaryfile import DiaryFileError, ParsedDiary, check_size
from diary.portability import read_upload


class DiaryUploadForm(forms.Form):
    file = forms.FileField(
        label="Diary file or CSV",
        help_text="A spasmlog diary file (.json), or an episodes or check-ins CSV file.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_file(self) -> ParsedDiary:
        upload = self.cleaned_data["file"]
        try:
            # The size first: a file over the limit is never read into memory.
            check_size(upload.size, settings.MAX_UPLOAD_BYTES)
            return read_upload(self.user, upload.read())
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
