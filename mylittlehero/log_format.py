"""One JSON object per line for the prediction log (heroes.predictions)."""

import json
import logging


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
