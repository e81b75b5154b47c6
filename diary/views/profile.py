from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone

from diary.dataversion import changes_diary
from diary.forms.profile import MedicationForm, ProfileForm
from diary.http import form_page, posted_data
from diary.models import CheckIn, Medication, ShareLink
from diary.signedin import SignedInRequest
from diary.views.named import save_named


def _get_medication_for_user(request: SignedInRequest, pk: int) -> Medication:
    return get_object_or_404(Medication.objects.for_user(request.user), pk=pk)


@form_page
@changes_diary
def account(request: SignedInRequest) -> HttpResponse:
    form = ProfileForm(posted_data(request), instance=request.profile)
    if form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("diary:account")
    context = {
        "form": form,
        "medications": Medication.objects.for_user(request.user),
        "share_links": ShareLink.objects.for_user(request.user).prefetch_related("openings"),
        "now": timezone.now(),
    }
    return render(request, "diary/profile/account.html", context)


def _edit_medication(
    request: SignedInRequest, medication: Medication, heading: str
) -> HttpResponse:
    form = MedicationForm(posted_data(request), instance=medication)
    if saved := save_named(request, form, "medication", "diary:account"):
        return saved
    context = {"form": form, "heading": heading, "submit_label": "Save medication"}
    return render(request, "diary/profile/medication_form.html", context)


@form_page
@changes_diary
def medication_new(request: SignedInRequest) -> HttpResponse:
    return _edit_medication(request, Medication(user=request.user), "Add a medication")


@form_page
@changes_diary
def medication_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    medication = _get_medication_for_user(request, pk)
    return _edit_medication(request, medication, f"Edit {medication.name}")


def _checkins_left_empty_without(medication: Medication):
    """The check-ins that would hold nothing at all once `medication` is deleted."""
    return (
        CheckIn.objects.for_user(medication.user)
        .filter(medications_taken=medication)
        .with_nothing_recorded(besides=medication)
    )


@transaction.atomic
def _delete_medication(medication: Medication) -> int:
    """Delete `medication` and the check-ins that held nothing else; returns how many."""
    emptied = list(_checkins_left_empty_without(medication).values_list("pk", flat=True))
    medication.delete()
    CheckIn.objects.filter(pk__in=emptied).delete()
    return len(emptied)


@form_page
@changes_diary
def medication_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    medication = _get_medication_for_user(request, pk)
    if request.method == "POST":
        emptied = _delete_medication(medication)
        also = (
            f" {emptied} check-in{pluralize(emptied)} that held only it "
            f"{pluralize(emptied, 'was,were')} deleted too."
            if emptied
            else ""
        )
        messages.success(request, f"{medication.name} deleted.{also}")
        return redirect("diary:account")
    context = {
        "medication": medication,
        "checkin_count": medication.checkins.count(),
        "emptied_count": _checkins_left_empty_without(medication).count(),
    }
    return render(request, "diary/profile/medication_delete.html", context)
