from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from diary.forms.reminders import ReminderForm
from diary.http import form_page, posted_data
from diary.models import Profile
from diary.reminders import user_id_from_token
from diary.signedin import SignedInRequest


@form_page
def reminder_settings(request: SignedInRequest) -> HttpResponse:
    form = ReminderForm(posted_data(request), instance=request.profile)
    if form.is_valid():
        profile = form.save()
        if profile.reminder_time:
            messages.success(request, f"Reminder set for {profile.reminder_time:%H:%M}.")
        else:
            messages.success(request, "No more reminders.")
        return redirect("diary:account")
    return render(request, "diary/reminders/settings.html", {"form": form})


# The signed token is the credential, so no login; and RFC 8058's one-click unsubscribe is a
# POST from the mail client, which carries no CSRF token.
@login_not_required
@csrf_exempt
@form_page
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = user_id_from_token(token)
    # None is refused below, before the query runs.
    profiles = Profile.objects.filter(user_id=user_id, user__is_active=True)  # type: ignore[misc]
    if user_id is None or not profiles.exists():
        raise Http404("This unsubscribe link is not valid.")
    if request.method == "POST":
        profiles.update(reminder_time=None)
        return render(request, "diary/reminders/unsubscribed.html")
    return render(request, "diary/reminders/unsubscribe.html")
