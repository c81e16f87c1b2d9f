"""The requests sent with an ``Idempotency-Key`` and their answers, kept a day so that an OA system
retrying a POST after a timeout gets the first answer again instead of a second record (review 25b
item 13, :mod:`liaison_web.idempotency`)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("liaison_web", "0012_token_owned"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("caller", models.CharField(max_length=80)),
                ("key", models.CharField(max_length=255)),
                ("digest", models.CharField(max_length=64)),
                ("created", models.DateTimeField(db_index=True)),
                ("status", models.IntegerField(default=0)),
                ("headers", models.JSONField(default=dict)),
                ("body", models.BinaryField(default=b"")),
                ("shown_once", models.BooleanField(default=False)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("caller", "key"), name="one_answer_a_key")],
            },
        ),
    ]
