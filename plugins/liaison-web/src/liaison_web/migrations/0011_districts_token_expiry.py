"""An API token's optional end (``ApiToken.expires``): after it the token authenticates no more, as
a revoked one (issue #25: tokens made through the API by a district's administrator)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("liaison_web", "0010_apispeed_year_state_once"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
