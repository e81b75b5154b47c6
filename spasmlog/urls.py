from django.contrib import admin
from django.urls import include, path

from diary.views.accounts import signup

urlpatterns = [
    path("accounts/signup/", signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("diary.urls")),
]
