from django import forms
from django.apps import AppConfig

# Django's choice fields repeat the refused value in their message ("Select a valid choice. X
# is not one of the available choices."), so a 40,000-character value came back whole on the
# page. The message says which field is wrong; the value it already holds is not repeated.
INVALID_CHOICE = "Select a valid choice: that is not one of the options."
_CHOICE_FIELDS = (
    forms.ChoiceField,
    forms.MultipleChoiceField,
    forms.ModelChoiceField,
    forms.ModelMultipleChoiceField,
)


class DiaryConfig(AppConfig):
    name = "diary"
    verbose_name = "Spasm diary"

    def ready(self) -> None:
        from diary import checks  # noqa: F401 - registers the system checks
        from diary.files import pendingimports  # noqa: F401 - deletes a waiting import at log-out

        for field_class in _CHOICE_FIELDS:
            field_class.default_error_messages = {
                **field_class.default_error_messages,
                "invalid_choice": INVALID_CHOICE,
            }
        forms.ModelMultipleChoiceField.default_error_messages["invalid_pk_value"] = INVALID_CHOICE
