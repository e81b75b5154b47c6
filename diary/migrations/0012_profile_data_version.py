from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0011_seen_red_flags"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="data_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
    ]
