from django.db import migrations

from heroes.migrations._default_heroes import create_default_heroes, remove_default_heroes


class Migration(migrations.Migration):
    dependencies = [("heroes", "0001_initial")]

    operations = [migrations.RunPython(create_default_heroes, remove_default_heroes)]
