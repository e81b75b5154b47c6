from django.contrib import admin
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.urls import include, path

from diary.forms.accounts import LoginForm, ResetPasswordForm
from diary.ratelimit import PASSWORD_RESET_LIMITS, limited
from diary.views import app
from diary.views.accounts import signup

urlpatterns = [
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("offline/", app.offline, name="offline"),
    path("accounts/signup/", signup, name="signup"),
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path(
        "accounts/password_reset/",
        limited(PASSWORD_RESET_LIMITS)(PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(form_class=ResetPasswordForm),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("diary.urls")),
]
