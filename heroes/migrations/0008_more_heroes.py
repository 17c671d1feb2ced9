from django.db import migrations

from heroes.migrations._more_heroes import create_more_heroes, remove_more_heroes


class Migration(migrations.Migration):
    dependencies = [("heroes", "0007_match_strength")]

    operations = [migrations.RunPython(create_more_heroes, remove_more_heroes)]
