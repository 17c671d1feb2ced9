"""The HTTP API under /api/ (Django REST framework): urls, views,
serializers, errors."""
