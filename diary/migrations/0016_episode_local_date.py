"""Each episode keeps the local date it started on, in its owner's time zone, so the insights
count episodes per day along an index instead of converting every row's time. A user without
a profile has the server's zone, the one Profile.get_or_create_for gives them."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

from diary.days import local_date

BATCH = 1000


def fill_local_dates(apps, schema_editor):
    Episode = apps.get_model("diary", "Episode")
    Profile = apps.get_model("diary", "Profile")
    zones = dict(Profile.objects.values_list("user_id", "time_zone"))
    episodes = Episode.objects.order_by("pk").only("pk", "user_id", "started_at")
    last = 0
    while batch := list(episodes.filter(pk__gt=last)[:BATCH]):
        for episode in batch:
            zone = ZoneInfo(zones.get(episode.user_id, settings.TIME_ZONE))
            episode.local_date = local_date(episode.started_at, zone)
        Episode.objects.bulk_update(batch, ["local_date"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0015_name_keys_as_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="episode",
            name="local_date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(fill_local_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="episode",
            name="local_date",
            field=models.DateField(editable=False),
        ),
        # (user, started_at) is the leading part of the unique moment's index already.
        migrations.RemoveIndex(model_name="episode", name="diary_episo_user_id_72495b_idx"),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(fields=["user", "local_date"], name="diary_episo_user_id_f049c7_idx"),
        ),
    ]
