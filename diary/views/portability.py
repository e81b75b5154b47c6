from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_safe

from diary.files import csvfiles, diaryfile, pendingimports, portability, uploads
from diary.files.diaryfile import DiaryFileError, ParsedDiary
from diary.files.portability import ImportSummary
from diary.forms.portability import ConfirmPasswordForm, DiaryUploadForm
from diary.http import form_page, posted_data, posted_files
from diary.limits import MAX_EPISODES, MAX_MEDICATIONS
from diary.models import CheckIn, Episode, Medication, Profile
from diary.signedin import SignedInRequest


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@never_cache
def export_diary(request: SignedInRequest) -> HttpResponse:
    now = timezone.now()
    document = portability.export_document(request.user, now)
    return _download(
        diaryfile.dumps(document),
        "application/json; charset=utf-8",
        portability.export_filename(request.user, "diary", "json", now),
    )


@require_safe
@never_cache
def export_csv(request: SignedInRequest, table: str) -> HttpResponse:
    now = timezone.now()
    document = portability.export_document(request.user, now)
    return _download(
        csvfiles.to_csv(document, table),
        "text/csv; charset=utf-8",
        portability.export_filename(request.user, table, "csv", now),
    )


@form_page
def import_diary(request: SignedInRequest) -> HttpResponse:
    """Upload, then a preview of what the import would do, then the import once confirmed.

    Nothing is written before the confirmation; the file waits meanwhile in
    diary.files.pendingimports, and the confirmation checks and merges it again, all or nothing,
    as it is then.
    """
    if request.method == "POST" and "action" in request.POST:
        return _confirm_import(request)
    form = DiaryUploadForm(
        request.user,
        posted_data(request),
        posted_files(request),
        stopped_for_size=uploads.stopped_for_size(request),
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = portability.merge_diary(request.user, upload.parsed, dry_run=True)
        except DiaryFileError as error:
            form.add_error("file", error.messages)
        else:
            token = pendingimports.store(request, upload.raw, upload.name)
            return _preview(request, upload.parsed, summary, token, upload.name)
    elif not form.is_bound and (entry := pendingimports.pending(request)):
        # A reload of the preview: the file again, against the diary as it is now.
        raw = pendingimports.load(request, entry["token"])
        if raw is None:  # confirmed or cancelled in another tab meanwhile
            return _import_page(request, form)
        try:
            parsed = portability.read_upload(request.user, raw)
            summary = portability.merge_diary(request.user, parsed, dry_run=True)
        except DiaryFileError as error:
            pendingimports.discard(request)
            return _import_page(request, form, refused=error.messages)
        else:
            return _preview(request, parsed, summary, entry["token"], entry["name"])
    return _import_page(request, form)


def _import_page(request: SignedInRequest, form: DiaryUploadForm, **context) -> HttpResponse:
    context = {
        "form": form,
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // 2**20,
        "max_episodes": MAX_EPISODES,
        "max_medications": MAX_MEDICATIONS,
        **context,
    }
    return render(request, "diary/portability/import.html", context)


def _preview(
    request: SignedInRequest, parsed: ParsedDiary, summary: ImportSummary, token: str, name: str
) -> HttpResponse:
    span = diaryfile.date_span(parsed, Profile.get_or_create_for(request.user).zone)
    preview = {
        "summary": summary,
        "tallies": summary.tallies(),
        "first_day": span and span[0],
        "last_day": span and span[1],
        "token": token,
        "name": name,
        "minutes": int(pendingimports.PENDING_IMPORT_MAX_AGE.total_seconds() // 60),
    }
    return _import_page(request, DiaryUploadForm(request.user), preview=preview)


def _confirm_import(request: SignedInRequest) -> HttpResponse:
    if request.POST["action"] != "import":
        pendingimports.discard(request)
        messages.info(request, "Nothing was imported.")
        return redirect("diary:import")
    raw = pendingimports.load(request, request.POST.get("token", ""))
    if raw is None:
        messages.error(
            request,
            "That preview is no longer waiting (it was imported or cancelled, another file was "
            f"uploaded since, or {pendingimports.PENDING_IMPORT_MAX_AGE.seconds // 60} minutes "
            "passed). Nothing was imported; upload the file again.",
        )
        return redirect("diary:import")
    pendingimports.discard(request)
    try:
        summary = portability.merge_diary(request.user, portability.read_upload(request.user, raw))
    except DiaryFileError as error:
        return _import_page(request, DiaryUploadForm(request.user), refused=error.messages)
    messages.success(request, f"Imported: {summary}.")
    return redirect("diary:import")


def _confirm_with_password(request: SignedInRequest, template: str, confirmed) -> HttpResponse:
    """The password form of a deletion page; `confirmed()` acts once it is right."""
    form = ConfirmPasswordForm(request, posted_data(request))
    if form.is_valid():
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
def delete_account(request: SignedInRequest) -> HttpResponse:
    def confirmed() -> HttpResponse:
        user = request.user
        logout(request)
        portability.delete_account(user)
        messages.success(request, "Your account and your whole diary have been deleted.")
        return redirect("login")

    return _confirm_with_password(request, "diary/portability/delete_account.html", confirmed)


@form_page
@sensitive_post_parameters("password")
def delete_data(request: SignedInRequest) -> HttpResponse:
    def confirmed() -> HttpResponse:
        pendingimports.discard(request)  # a file waiting to be imported is diary data too
        portability.delete_diary_data(request.user)
        messages.success(request, "Your diary has been deleted. Your account is still here.")
        return redirect("diary:account")

    return _confirm_with_password(request, "diary/portability/delete_data.html", confirmed)
