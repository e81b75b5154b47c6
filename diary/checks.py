"""System checks of spasmlog's own settings: they stop `runserver`, `migrate` and
`check --deploy` before a misconfigured server serves anyone."""

from django.conf import settings
from django.core.checks import Error, register


@register("spasmlog")
def email_backend_is_chosen(app_configs=None, **kwargs) -> list[Error]:
    # Django's default backend here is the console one, which writes every mail, live
    # password-reset links included, into the server's log.
    if settings.DEBUG or settings.EMAIL_BACKEND_CHOSEN:
        return []
    return [
        Error(
            "EMAIL_BACKEND is not set while DEBUG is off: password-reset mail would be written, "
            "with its live link, into the server log.",
            hint="Set EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend) and the "
            "EMAIL_HOST settings; to keep the console backend on purpose, set it explicitly.",
            id="spasmlog.E001",
        )
    ]
