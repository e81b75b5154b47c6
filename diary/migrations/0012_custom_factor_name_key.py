"""An own factor's name is unique by Unicode case folding (name_key), as the form and the diary
file compare names, on every database; names that already clash get " (2)", " (3)"… so nothing
is lost (their answers stay with them)."""

import unicodedata

from django.db import migrations, models

NAME_LENGTH = 60


def _name_key(name):
    return unicodedata.normalize("NFKC", name).casefold()


def fill_factor_keys(apps, schema_editor):
    CustomFactor = apps.get_model("diary", "CustomFactor")
    seen = set()
    for factor in CustomFactor.objects.order_by("user_id", "pk"):
        name, number = factor.name, 1
        while (factor.user_id, _name_key(name)) in seen:
            number += 1
            suffix = f" ({number})"
            name = factor.name[: NAME_LENGTH - len(suffix)] + suffix
        seen.add((factor.user_id, _name_key(name)))
        factor.name, factor.name_key = name, _name_key(name)
        factor.save(update_fields=["name", "name_key"])


class Migration(migrations.Migration):
    dependencies = [("diary", "0011_seen_red_flags")]

    operations = [
        migrations.AddField(
            model_name="customfactor",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=180),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(model_name="customfactor", name="custom_factor_name_unique"),
        migrations.RunPython(fill_factor_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="customfactor",
            constraint=models.UniqueConstraint(
                fields=("user", "name_key"), name="custom_factor_name_unique"
            ),
        ),
    ]
