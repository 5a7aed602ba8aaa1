"""Where a message goes: an endpoint (webhook, group robot) or a person's mailbox."""

from dataclasses import dataclass

EMAIL = "email"  # a person's kind of target; endpoints use EndpointKind's values


@dataclass(frozen=True)
class Target:
    """Read while a claim's transaction was open, so sending needs no database."""

    kind: str
    address: str  # the endpoint's URL, or the person's e-mail address
    secrets: tuple[str, ...] = ()
    endpoint_id: int | None = None
    user_id: int | None = None
