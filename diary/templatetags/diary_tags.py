from django import template
from django.utils import timezone

from diary.quantities import format_duration, format_water

register = template.Library()

register.filter("duration", format_duration)
register.filter("water", format_water)


@register.filter
def zone_name(instant) -> str:
    """ "CEST" or "CET", right even in the repeated autumn hour, where Django's `T` is blank."""
    return timezone.localtime(instant).tzname() or ""
