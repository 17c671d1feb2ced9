"""The "Moderators" group, for the data migrations of both migration sets.

Moderators manage the hero catalog and its reference images, look at and
remove uploads, and look up people; they have no power over passwords,
permissions or groups, and cannot edit computed results.
"""

GROUP_NAME = "Moderators"
PERMISSIONS = [
    ("heroes", "prediction", ["view", "delete"]),
    ("heroes", "hero", ["view", "change"]),
    # Adding and removing a hero's reference photos is part of changing the hero.
    ("heroes", "heroimage", ["view", "add", "change", "delete"]),
    ("accounts", "user", ["view"]),
]


def create_moderators(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = []
    for app_label, model, actions in PERMISSIONS:
        for action in actions:
            wanted.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )
    group.permissions.set(wanted)


def remove_moderators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()
