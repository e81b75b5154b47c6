from django.utils import timezone

from diary.models import Profile


class UserTimezoneMiddleware:
    """Show and read times in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            profile = Profile.for_user(request.user)
            request.profile = profile
            timezone.activate(profile.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
