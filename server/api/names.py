"""`NameOf`: a response field naming the person or handheld whose id another field holds.

A page of fifty alerts names its guards in one query: the base schema's pre-dump hook
(server.api.common.Schema) collects the ids of the whole page first, and the names are kept for
the rest of the request.
"""

from collections.abc import Iterable
from typing import Any

import marshmallow as ma
from flask import g

from server.domain import names
from server.domain.actor import current_actor
from server.domain.names import Named
from server.http.session import db_session

PERSON, HANDHELD = Named.PERSON, Named.HANDHELD
_DESCRIPTIONS = {
    PERSON: "Display name of the person {source} names",
    HANDHELD: "Label of the handheld {source} names (its serial when it has no label)",
}


class NameOf(ma.fields.String):
    """The display name of what `source` (an id field of the same object) names."""

    def __init__(self, source: str, kind: Named, **kwargs: Any) -> None:
        description = _DESCRIPTIONS[kind].format(source=source)
        super().__init__(
            dump_only=True, allow_none=True, metadata={"description": description}, **kwargs
        )
        self.source, self.kind = source, kind

    def ident(self, obj: Any) -> int | None:
        return obj.get(self.source) if isinstance(obj, dict) else getattr(obj, self.source, None)

    def get_value(
        self, obj: Any, attr: str, accessor: Any = None, default: Any = ma.missing
    ) -> Any:
        return self.ident(obj)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return known(self.kind, [value]).get(value)


def known(kind: Named, ids: Iterable[int]) -> dict[int, str]:
    """Names of ids, from this request's memory or, for those not yet seen, one query."""
    memory: dict[Named, dict[int, str | None]] = g.setdefault("vigil_names", {})
    seen = memory.setdefault(kind, {})
    missing = {i for i in ids if i is not None and i not in seen}
    if missing:
        found = names.lookup(db_session(), current_actor(), kind, missing)
        seen.update({i: found.get(i) for i in missing})
    return seen  # type: ignore[return-value]


def name_all(schema: ma.Schema, objs: Any, many: bool) -> None:
    """Look up, in one query per kind, every name the schema's NameOf fields will show."""
    fields = [f for f in schema.dump_fields.values() if isinstance(f, NameOf)]
    if not fields:
        return
    items = objs if many else [objs]
    for kind in {f.kind for f in fields}:
        known(kind, (f.ident(o) for f in fields if f.kind is kind for o in items))
