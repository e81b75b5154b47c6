from django import forms

from diary.models import Profile


class ReminderForm(forms.ModelForm):
    """The daily reminder's local time, and the address it goes to (the account's e-mail)."""

    email = forms.EmailField(label="E-mail address", required=False)

    class Meta:
        model = Profile
        fields = ["reminder_time"]
        labels = {"reminder_time": "Remind me at"}
        help_texts = {
            "reminder_time": "Your local time. Leave it blank for no reminder. It comes only on "
            "days whose check-in is still missing, at most once a day."
        }
        widgets = {"reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.instance.user.email

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("reminder_time") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "A reminder needs an e-mail address to go to.")
        return cleaned

    def save(self, commit: bool = True) -> Profile:
        profile = super().save(commit)
        profile.user.email = self.cleaned_data["email"]
        profile.user.save(update_fields=["email"])
        return profile
