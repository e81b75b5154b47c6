from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_safe

from diary import csvfiles, diaryfile, portability, uploads
from diary.dataversion import changes_diary
from diary.diaryfile import DiaryFileError
from diary.forms.portability import ConfirmPasswordForm, DiaryUploadForm
from diary.http import form_page
from diary.models import CheckIn, Episode, Medication


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@never_cache
def export_diary(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    document = portability.export_document(request.user, now)
    return _download(
        diaryfile.dumps(document),
        "application/json; charset=utf-8",
        portability.export_filename(request.user, "diary", "json", now),
    )


@require_safe
@never_cache
def export_csv(request: HttpRequest, table: str) -> HttpResponse:
    now = timezone.now()
    document = portability.export_document(request.user, now)
    return _download(
        csvfiles.to_csv(document, table),
        "text/csv; charset=utf-8",
        portability.export_filename(request.user, table, "csv", now),
    )


@form_page
@changes_diary
def import_diary(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = DiaryUploadForm(
            request.user,
            request.POST,
            request.FILES,
            stopped_for_size=uploads.stopped_for_size(request),
        )
        if form.is_valid():
            try:
                summary = portability.merge_diary(request.user, form.cleaned_data["file"])
            except DiaryFileError as error:
                form.add_error("file", error.messages)
            else:
                messages.success(request, f"Imported: {summary}.")
                return redirect("diary:import")
    else:
        form = DiaryUploadForm(request.user)
    context = {"form": form, "max_upload_mb": settings.MAX_UPLOAD_BYTES // 2**20}
    return render(request, "diary/portability/import.html", context)


def _confirm_with_password(request: HttpRequest, template: str, confirmed) -> HttpResponse:
    """The password form of a deletion page; `confirmed()` acts once it is right."""
    form = ConfirmPasswordForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return confirmed()
    user = request.user
    counts = {
        "episodes": Episode.objects.for_user(user).count(),
        "checkins": CheckIn.objects.for_user(user).count(),
        "medications": Medication.objects.for_user(user).count(),
    }
    return render(request, template, {"form": form, "counts": counts})


@form_page
@sensitive_post_parameters("password")
def delete_account(request: HttpRequest) -> HttpResponse:
    def confirmed() -> HttpResponse:
        user = request.user
        logout(request)
        portability.delete_account(user)
        messages.success(request, "Your account and your whole diary have been deleted.")
        return redirect("login")

    return _confirm_with_password(request, "diary/portability/delete_account.html", confirmed)


@form_page
@sensitive_post_parameters("password")
@changes_diary
def delete_data(request: HttpRequest) -> HttpResponse:
    def confirmed() -> HttpResponse:
        portability.delete_diary_data(request.user)
        messages.success(request, "Your diary has been deleted. Your account is still here.")
        return redirect("diary:account")

    return _confirm_with_password(request, "diary/portability/delete_data.html", confirmed)
