"""LOG_FORMAT=json: one parseable JSON object per log line, Chinese kept readable."""

import json
import logging

from config.logging import JsonFormatter


def test_json_formatter_writes_one_object_with_level_logger_and_message():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "页面出错 %s", ("/x",), None)
    record.status_code = 500
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR" and entry["logger"] == "django.request"
    assert entry["message"] == "页面出错 /x" and entry["status"] == 500
    assert "页面出错" in JsonFormatter().format(record)
