"""Opaque per-attempt identifiers for questions and options (what a candidate's page and JSON
carry instead of the bank's ids); attempts made before get theirs here."""

import secrets

from django.db import migrations, models


def _keys(count: int) -> list[str]:
    keys: list[str] = []
    while len(keys) < count:
        key = secrets.token_hex(4)
        if key not in keys:
            keys.append(key)
    return keys


def fill_keys(apps, schema_editor):
    AttemptQuestion = apps.get_model("exams", "AttemptQuestion")
    rows = list(AttemptQuestion.objects.order_by("attempt_id", "position"))
    by_attempt: dict[int, list] = {}
    for row in rows:
        by_attempt.setdefault(row.attempt_id, []).append(row)
    for questions in by_attempt.values():
        for row, key in zip(questions, _keys(len(questions)), strict=True):
            row.key = key
            row.option_keys = _keys(len(row.option_order or []))
    AttemptQuestion.objects.bulk_update(rows, ["key", "option_keys"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("exams", "0003_exams_and_attempts")]

    operations = [
        migrations.AddField(
            model_name="attemptquestion",
            name="key",
            field=models.CharField(default="", max_length=16, verbose_name="identifier shown"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="attemptquestion",
            name="option_keys",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="One random identifier per option, in the order of the option order.",
                verbose_name="option identifiers shown",
            ),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="attemptquestion",
            constraint=models.UniqueConstraint(
                fields=("attempt", "key"), name="attempt_question_key_unique"
            ),
        ),
    ]
