"""The API's JSON parser: DRF's, with limits that keep a hostile body a 400 (issue 6 item 3).

Installed as the first of ``DEFAULT_PARSER_CLASSES`` and on the token endpoint. The body's size
is bounded before it gets here (``DATA_UPLOAD_MAX_MEMORY_SIZE``: DRF reads it through Django's
``request.body``).
"""

from __future__ import annotations

import codecs

from django.utils.translation import gettext as _
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings
from rest_framework.utils import json

#: Deepest nesting of arrays and objects accepted. Our bodies are flat objects (a list of ids at
#: most); 32 leaves room for any honest client and keeps far from Python's recursion limit.
MAX_DEPTH = 32


def too_deep_message() -> str:
    return _("The JSON is nested too deeply (at most %(depth)d levels).") % {"depth": MAX_DEPTH}


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that answers 400, not 500, to

    - nesting deeper than :data:`MAX_DEPTH` (1,000 nested arrays — 2 KB — made the standard
      parser raise ``RecursionError``);
    - NUL anywhere in a string or a key: PostgreSQL cannot store it, and not every value reaches
      a serializer field that checks (keys never do).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF's parse, with its message translated and RecursionError caught.
        encoding = parsers.get_encoding(parser_context or {})
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            parse_constant = json.strict_constant if self.strict else None
            data = json.load(decoded_stream, parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(too_deep_message()) from None
        except ValueError as exc:
            raise ParseError(
                _("The body is not valid JSON (%(error)s).") % {"error": exc}
            ) from None
        check_json(data)
        return data


def check_json(data) -> None:
    """Walk ``data`` without recursion; raise a 400 for too deep a nesting or a NUL."""
    stack = [(data, 1, None)]
    while stack:
        value, depth, field = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(too_deep_message())
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and "\x00" in key:
                    _refuse_nul(field)
                # The error names the top-level field the NUL is under.
                top = key if field is None and isinstance(value, dict) else field
                stack.append((item, depth + 1, top))
        elif isinstance(value, str) and "\x00" in value:
            _refuse_nul(field)


def _refuse_nul(field: str | None):
    message = _("This value contains a NUL character; remove it and try again.")
    raise serializers.ValidationError({field or api_settings.NON_FIELD_ERRORS_KEY: [message]})
