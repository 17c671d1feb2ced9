"""Log formats: one JSON object per line for the prediction log
(heroes.predictions), and the masking of secrets that sit in URL paths, for
Django's logs (a filter on every handler) and gunicorn's access log
(gunicorn.conf.py). Imports nothing of Django: gunicorn's config loads it."""

import json
import logging
import re

# Share, password-reset and sign-up confirmation links carry secrets in
# their paths.
SECRET_PATHS = re.compile(
    r"(/s/)[^/?\s\"']+|(/accounts/(?:password/reset|signup/confirm)/)[^/?\s\"']+/[^/?\s\"']+"
)


def mask_secrets(text):
    """``text`` with the secrets of share, reset and confirmation paths
    replaced by [token] (and [uid]); anything but a string unchanged."""
    if not isinstance(text, str):
        return text
    return SECRET_PATHS.sub(
        lambda m: m.group(1) + "[token]" if m.group(1) else m.group(2) + "[uid]/[token]", text
    )


class MaskSecrets(logging.Filter):
    """Masks secrets in a record's message and arguments (Django's
    "Not Found: /s/<token>/" and the development server's request lines)."""

    def filter(self, record):
        record.msg = mask_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask_secrets(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: mask_secrets(arg) for key, arg in record.args.items()}
        return True


class JsonLineFormatter(logging.Formatter):
    def format(self, record):
        payload = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        payload.update(getattr(record, "prediction", {}) or {})
        return json.dumps(payload, ensure_ascii=False, sort_keys=True)
