from django.utils import timezone

from diary.models import Profile


class UserTimezoneMiddleware:
    """Show and read times in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            profile = Profile.get_or_create_for(request.user)
            request.profile = profile
            timezone.activate(profile.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


# Powerful browser features the app never uses, refused for its pages and anything they embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "publickey-credentials-get",
        "usb",
    )
)


class PrivateResponsesMiddleware:
    """Every response says which browser features are off; a signed-in one is never stored.

    Anything answered to a signed-in person may carry health data (pages, downloads, JSON,
    charts), so the browser must keep none of it once they log out of a shared computer.
    Static files are answered by WhiteNoise before this runs and keep their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Permissions-Policy"] = PERMISSIONS_POLICY
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
