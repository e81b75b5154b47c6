from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from diary.forms.accounts import SignupForm
from diary.http import form_page, posted_data
from diary.ratelimit import SIGNUP_LIMITS, limited


@login_not_required
@form_page
@limited(SIGNUP_LIMITS)
@sensitive_post_parameters("password1", "password2")
def signup(request):
    if request.user.is_authenticated:
        return redirect("diary:home")
    form = SignupForm(posted_data(request))
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("diary:home")
    return render(request, "registration/signup.html", {"form": form})
