"""The person's own check-in factors: add, rename (answers are kept) and delete (answers go)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from diary.dataversion import changes_diary
from diary.forms.factors import CustomFactorForm
from diary.http import form_page, posted_data
from diary.models import CustomFactor
from diary.signedin import SignedInRequest
from diary.views.named import save_named


def _get_factor_for_user(request: SignedInRequest, pk: int) -> CustomFactor:
    return get_object_or_404(CustomFactor.objects.for_user(request.user), pk=pk)


def _edit_factor(request: SignedInRequest, factor: CustomFactor, heading: str) -> HttpResponse:
    form = CustomFactorForm(posted_data(request), instance=factor)
    if saved := save_named(request, form, "factor", "diary:checkin_questions"):
        return saved
    context = {"form": form, "heading": heading, "submit_label": "Save factor"}
    return render(request, "diary/checkins/factor_form.html", context)


@form_page
@changes_diary
def customfactor_new(request: SignedInRequest) -> HttpResponse:
    return _edit_factor(request, CustomFactor(user=request.user), "Add a factor of your own")


@form_page
@changes_diary
def customfactor_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    factor = _get_factor_for_user(request, pk)
    return _edit_factor(request, factor, f"Edit “{factor.name}”")


@form_page
@changes_diary
def customfactor_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    factor = _get_factor_for_user(request, pk)
    if request.method == "POST":
        factor.delete()
        messages.success(request, f"{factor.name} and its answers deleted.")
        return redirect("diary:checkin_questions")
    context = {"factor": factor, "answer_count": factor.answers.count()}
    return render(request, "diary/checkins/factor_delete.html", context)
