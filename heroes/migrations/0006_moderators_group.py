from django.db import migrations

from heroes.migrations._moderators import create_moderators, remove_moderators


class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0005_repredict"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_moderators, remove_moderators)]
