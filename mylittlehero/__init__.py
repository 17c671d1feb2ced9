# The Celery app loads with the project, so the apps' shared tasks
# (heroes/tasks.py) queue on it; importing it loads neither TensorFlow nor a
# broker connection.
from mylittlehero.celery import app as celery_app

__all__ = ["celery_app"]
