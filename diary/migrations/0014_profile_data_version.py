from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0013_customfactor_on_checkin"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="data_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
    ]
