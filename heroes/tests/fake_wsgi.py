"""The site with the fake engine, for test servers (mylittlehero/tests/live.py):
``gunicorn heroes.tests.fake_wsgi``. No TensorFlow; see fakes.py."""

from heroes.tests.fakes import install_from_environment
from mylittlehero.wsgi import application  # noqa: F401  (what gunicorn serves)

install_from_environment()
