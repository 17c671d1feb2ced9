from django.db import migrations

from heroes.migrations._descriptions_haeyo import descriptions_to_haeyo, descriptions_to_hamnida


class Migration(migrations.Migration):
    dependencies = [("heroes", "0009_anonymous_owner")]

    operations = [migrations.RunPython(descriptions_to_haeyo, descriptions_to_hamnida)]
