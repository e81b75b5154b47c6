from django import template
from django.utils import timezone

from diary.quantities import format_duration, format_water
from diary.redflags import SEVERE_INTENSITY

register = template.Library()

register.filter("duration", format_duration)
register.filter("water", format_water)

# From the middle of the 0-10 scale up, short of severe: marked, but not as a red flag.
MODERATE_INTENSITY = 5


@register.filter
def intensity_badge(intensity: int) -> str:
    """The badge class of an episode's intensity: red from the red flags' severe level on."""
    if intensity >= SEVERE_INTENSITY:
        return "text-bg-danger"
    if intensity >= MODERATE_INTENSITY:
        return "text-bg-warning"
    return "text-bg-secondary"


@register.filter
def zone_name(instant) -> str:
    """ "CEST" or "CET", right even in the repeated autumn hour, where Django's `T` is blank."""
    return timezone.localtime(instant).tzname() or ""
