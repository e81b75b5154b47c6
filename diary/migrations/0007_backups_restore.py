"""What makes two records distinct is what the database holds unique, so every export imports.

- A medication's name is unique by Unicode case folding (name_key), on every database; names
  that already clash get " (2)", " (3)"… so nothing is lost.
- A medication has a start date, as the form and now the diary file require: a missing one
  becomes the first check-in that lists it, or its stop date, or the day it was last changed,
  whichever is earliest.
- An episode is one muscle and side at one instant: of two already alike, the later one moves by
  a microsecond.
- A check-in with nothing at all in it (left by a deleted medication) is not a recorded day.
"""

import datetime
import unicodedata

import django.core.validators
from django.db import migrations, models


def _name_key(name):
    return unicodedata.normalize("NFKC", name).casefold()


def fill_medication_keys_and_start_dates(apps, schema_editor):
    Medication = apps.get_model("diary", "Medication")
    CheckIn = apps.get_model("diary", "CheckIn")
    taken = CheckIn.medications_taken.through
    seen = set()
    for medication in Medication.objects.order_by("user_id", "pk"):
        name, number = medication.name, 1
        while (medication.user_id, _name_key(name)) in seen:
            number += 1
            suffix = f" ({number})"
            name = medication.name[: 100 - len(suffix)] + suffix
        seen.add((medication.user_id, _name_key(name)))
        medication.name, medication.name_key = name, _name_key(name)
        if medication.started_on is None:
            first_taken = (
                taken.objects.filter(medication_id=medication.pk)
                .order_by("checkin__date")
                .values_list("checkin__date", flat=True)
                .first()
            )
            candidates = [first_taken, medication.stopped_on, medication.updated_at.date()]
            medication.started_on = min(day for day in candidates if day is not None)
        medication.save(update_fields=["name", "name_key", "started_on"])


def separate_alike_episodes(apps, schema_editor):
    Episode = apps.get_model("diary", "Episode")
    alike = (
        Episode.objects.values("user_id", "started_at", "muscle", "side")
        .annotate(count=models.Count("pk"))
        .filter(count__gt=1)
    )
    taken = set(Episode.objects.values_list("user_id", "started_at", "muscle", "side"))
    for group in alike:
        twins = Episode.objects.filter(
            user_id=group["user_id"],
            started_at=group["started_at"],
            muscle=group["muscle"],
            side=group["side"],
        ).order_by("pk")
        for episode in list(twins)[1:]:
            moment = episode.started_at
            while (episode.user_id, moment, episode.muscle, episode.side) in taken:
                moment += datetime.timedelta(microseconds=1)
            taken.add((episode.user_id, moment, episode.muscle, episode.side))
            episode.started_at = moment
            episode.save(update_fields=["started_at"])


def delete_checkins_with_nothing_recorded(apps, schema_editor):
    CheckIn = apps.get_model("diary", "CheckIn")
    not_answers = {"id", "user", "date", "updated_at"}
    blank = {
        (f"{field.name}__isnull" if field.null else field.name): True if field.null else ""
        for field in CheckIn._meta.concrete_fields
        if field.name not in not_answers
    }
    taken = CheckIn.medications_taken.through.objects.values("checkin_id")
    CheckIn.objects.filter(**blank).exclude(pk__in=taken).delete()


def on_or_after_1900():
    return django.core.validators.MinValueValidator(
        datetime.date(1900, 1, 1), "Choose a date from 1900 on."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0006_share_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="medication",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=300),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(model_name="medication", name="medication_name_unique"),
        migrations.RunPython(fill_medication_keys_and_start_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="medication",
            name="started_on",
            field=models.DateField(
                null=True, validators=[on_or_after_1900()], verbose_name="start date"
            ),
        ),
        migrations.AlterField(
            model_name="medication",
            name="stopped_on",
            field=models.DateField(
                blank=True, null=True, validators=[on_or_after_1900()], verbose_name="stop date"
            ),
        ),
        migrations.AlterField(
            model_name="checkin",
            name="date",
            field=models.DateField(validators=[on_or_after_1900()]),
        ),
        migrations.AddConstraint(
            model_name="medication",
            constraint=models.UniqueConstraint(
                fields=("user", "name_key"), name="medication_name_unique"
            ),
        ),
        migrations.RunPython(separate_alike_episodes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="episode",
            constraint=models.UniqueConstraint(
                fields=("user", "started_at", "muscle", "side"), name="episode_unique_moment"
            ),
        ),
        migrations.RunPython(delete_checkins_with_nothing_recorded, migrations.RunPython.noop),
    ]
