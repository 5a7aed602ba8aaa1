"""The demo estate, built only from the features' public functions (as a customer's would be)."""

from sqlalchemy.orm import Session

from server.demo import estate, handhelds
from server.demo.estate import ORG_NAME, PASSWORD, PEOPLE
from server.demo.handhelds import SERIALS
from server.storage import BlobStore

__all__ = ["ORG_NAME", "PASSWORD", "PEOPLE", "SERIALS", "load"]


def load(session: Session, blobs: BlobStore) -> bool:
    """The demo tenant, its estate and its handhelds' past week; False when already there."""
    if not estate.load(session):
        return False
    handhelds.load(session, blobs)
    return True
