"""The daily check-in reminder: when it is due, what it says, and its unsubscribe token.

The reminder is an e-mail through the configured backend; no push service is involved (it
would send data to another host). `manage.py send_reminders` runs every few minutes and sends
each person at most one a local day, once their chosen local time has come and only while that
day's check-in is missing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse

from diary.models import CheckIn, Profile, ReminderSent
from diary.signedin import User

_UNSUBSCRIBE_SALT = "diary.reminders.unsubscribe"


def due_day(now: datetime, zone: ZoneInfo, at: time) -> date | None:
    """The local date whose reminder is due at `now`, or None while `at` is still to come.

    Wall-clock time in `zone`: a reminder at 02:30 on the night the clocks skip that hour is
    due from 03:00; on the night 01:30 happens twice it is due at the first, and the record
    of what was sent keeps the second from sending again.
    """
    local = now.astimezone(zone)
    return local.date() if local.time() >= at else None


def unsubscribe_token(user_id: int) -> str:
    """A signed token naming the person, for the link in every reminder. It does not expire:
    an old e-mail's link must still work."""
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(str(user_id))


def user_id_from_token(token: str) -> int | None:
    try:
        value = signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class ReminderMail:
    subject: str
    body: str


def reminder_mail(day: date, checkin_url: str, unsubscribe_url: str) -> ReminderMail:
    """The e-mail for `day`. It holds no health data: only that the check-in is missing."""
    return ReminderMail(
        subject=f"Spasmlog: today's check-in ({day:%a %-d %b})",
        body=(
            f"Your check-in for {day:%A %-d %B} isn't in yet. Days without cramps count too: "
            "they are what your cramp days are compared with.\n\n"
            f"Fill it in: {checkin_url}\n\n"
            "You get this because you asked for a daily reminder. To stop it, open\n"
            f"{unsubscribe_url}\n"
        ),
    )


@dataclass
class Outcome:
    sent: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (username, why)


def send_due_reminders(now: datetime, site_url: str) -> Outcome:
    """Send every reminder due at `now`; `site_url` begins the links (no request to ask)."""
    outcome = Outcome()
    profiles = (
        Profile.objects.filter(reminder_time__isnull=False, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    for profile in profiles:
        user = profile.user
        assert profile.reminder_time is not None  # the query keeps only those with a time
        day = due_day(now, profile.zone, profile.reminder_time)
        if day is None or ReminderSent.objects.filter(user=user, date=day).exists():
            continue
        if CheckIn.objects.for_user(user).day_answered().filter(date=day).exists():
            continue
        if not _claim(user, day):
            continue  # another run, perhaps on another server, has just claimed it
        try:
            _send(user, day, site_url)
        except OSError as error:  # smtplib's errors are OSErrors
            # Give the day back, so the next run tries again.
            ReminderSent.objects.filter(user=user, date=day).delete()
            outcome.failures.append((user.username, str(error)))
        else:
            outcome.sent += 1
    return outcome


def _claim(user: User, day: date) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(user=user, date=day)
    except IntegrityError:
        return False
    return True


def _send(user: User, day: date, site_url: str) -> None:
    base = site_url.rstrip("/")
    unsubscribe_url = base + reverse("diary:unsubscribe", args=[unsubscribe_token(user.pk)])
    mail = reminder_mail(day, base + reverse("diary:checkin_day", args=[day]), unsubscribe_url)
    EmailMessage(
        mail.subject,
        mail.body,
        to=[user.email],
        # RFC 8058: a mail client's own "unsubscribe" button posts to the link, one click.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()
