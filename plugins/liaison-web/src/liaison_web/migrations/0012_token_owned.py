"""What an API token made lives no longer than the token (issue #25): a webhook registered and a
calendar feed URL made through a token remember it (``token``, and its ``token_prefix`` should the
row go); a webhook is paused when its token ends (``paused``, ``pause_reason``) until an administrator
adopts it, a feed ends with it (``end_reason``). :mod:`liaison_web.owned`."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("liaison_web", "0011_districts_token_expiry"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhook",
            name="token",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="liaison_web.apitoken"),
        ),
        migrations.AddField(
            model_name="webhook",
            name="token_prefix",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="webhook",
            name="paused",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="webhook",
            name="pause_reason",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="feedtoken",
            name="token",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="liaison_web.apitoken"),
        ),
        migrations.AddField(
            model_name="feedtoken",
            name="token_prefix",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="feedtoken",
            name="end_reason",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
    ]
