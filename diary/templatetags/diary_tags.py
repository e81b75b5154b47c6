from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from diary.analysis.redflags import SEVERE_INTENSITY, listed_evidence
from diary.quantities import format_duration, format_water

register = template.Library()

register.filter("duration", format_duration)
register.filter("water", format_water)
register.filter("listed_evidence", listed_evidence)

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


@register.filter
def input_attrs(field: BoundField) -> str:
    """A typed field's attributes beyond its name, id and class, as Django's widget templates
    write them, in order: the widget's own (min, max, step, data-…), then required,
    aria-invalid and aria-describedby."""
    attrs = field.build_widget_attrs(field.field.widget.attrs)
    return mark_safe(  # each part is escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


@register.filter
def input_value(field: BoundField) -> str | None:
    """The value a typed field shows, as its widget writes it (a date as 2026-12-03)."""
    return field.field.widget.format_value(field.value())


@register.filter
def options(field: BoundField) -> list[tuple[str, str, bool]]:
    """A choice field's options (radios, checkboxes or a select's) as (value, label, chosen),
    each value as its input writes it. One pass, with no query to count them."""
    widget = field.field.widget
    chosen = set(widget.format_value(field.value()))
    return [(str(value), label, str(value) in chosen) for value, label in widget.choices]
