"""Trying without an account: the browser session owns the visitor's results.

The session keeps a random secret (``SESSION_KEY``), stored on each result
made in that session (``Prediction.anonymous_owner``); only a request in
that session finds them (heroes.selectors). Django keeps a session's data
when it changes the session key at login, so the secret is still there when
the visitor logs in, or confirms their sign-up (which logs them in): then
``claim_on_login`` moves the results into the account, once
(heroes.services.predictions_claim), and forgets the secret.
"""

import secrets

SESSION_KEY = "mlh_anonymous_owner"


def anonymous_owner(request):
    """The secret of this browser's results made without an account, or ""."""
    if request.user.is_authenticated:
        return ""
    return request.session.get(SESSION_KEY, "")


def anonymous_owner_ensure(request):
    """The session's secret, made now if it has none yet."""
    key = anonymous_owner(request)
    if not key:
        key = secrets.token_urlsafe(32)
        # A new session key as it starts owning something (as login does):
        # a session id planted in the browser earlier owns nothing.
        request.session.cycle_key()
        request.session[SESSION_KEY] = key
    return key


def claim_on_login(sender, request, user, **kwargs):
    """user_logged_in: the session's unclaimed results join the account."""
    if request is None or not hasattr(request, "session"):
        return
    key = request.session.pop(SESSION_KEY, "")
    if key:
        # Imported here: connected at start-up, it keeps start-up light.
        from heroes.services import predictions_claim

        predictions_claim(anonymous_owner=key, user=user)
