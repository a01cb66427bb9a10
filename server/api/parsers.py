"""The API's JSON parser: DRF's, refusing bodies nested deeper than any valid one.

Python's json module recurses once per level, and so does every walk over the result (DRF's
fields, the NUL check in server.api.validation): ~1,000 levels in 2 KB would end in a
RecursionError, a 500. The depth is measured on the raw text first, without recursion, and a
body deeper than API_MAX_JSON_DEPTH is a 400 naming the limit. The body size is bounded
before this (server.security.middleware: API_MAX_BODY_BYTES).
"""

import codecs
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings
from rest_framework.utils import json

# A JSON string (skipped whole, so brackets inside it do not count) or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether arrays/objects in `text` nest deeper than `limit` (a malformed text may say
    False: json.loads then refuses it)."""
    if text.count("[") + text.count("{") <= limit:
        return False  # cannot be deeper than the number of openers (the common, cheap case)
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        limit = settings.API_MAX_JSON_DEPTH
        if json_depth_exceeds(text, limit):
            raise ParseError(f"JSON parse error - the body nests arrays and objects more than {limit} levels deep.")
        parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
