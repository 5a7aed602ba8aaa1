"""Path converters every HTTP front shares: `<id:...>` and `<sha256:...>`."""

from flask import Flask
from werkzeug.exceptions import UnprocessableEntity
from werkzeug.routing import BaseConverter, IntegerConverter, Map

# Ids are PostgreSQL integers; larger numbers in a request are client mistakes, not 500s.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a positive integer that fits the id columns. Digits beyond that
    are a client's mistake said as such (422), not a page that does not exist."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise UnprocessableEntity(
                f"an id in the path must be a whole number from 1 to {MAX_ID}"
            )
        return number


class Sha256Converter(BaseConverter):
    """`<sha256:name>` in a route: 64 lower-case hex digits, nothing else reaches the view."""

    regex = "[0-9a-f]{64}"


def init_converters(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["sha256"] = Sha256Converter
