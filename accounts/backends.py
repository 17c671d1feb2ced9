"""The one authentication backend: Django's ModelBackend with the
failed-login throttle in front of it.

Every way to log in goes through ``authenticate()`` and so through here: the
site's login form, the admin's login form, and anything added later. While
the account or the client IP is locked out the password is not even checked;
the lockout is left on the request (``request.login_lockout``) so the form
can say how long it lasts.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts import throttle
from core.ratelimit import client_ip


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        email = str(username).strip().lower()
        ip = client_ip(request) if request is not None else "unknown"
        # Counted before the password is checked.
        lockout = throttle.login_attempt_take(email=email, ip=ip)
        if lockout is not None:
            if request is not None:
                request.login_lockout = lockout
            # PermissionDenied stops authenticate() at once: no other
            # backend, no password check.
            raise PermissionDenied("login locked out")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            throttle.login_success_record(email=email, ip=ip)
        return user
