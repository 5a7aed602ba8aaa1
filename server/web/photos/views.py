"""A photo's thumbnail or display copy (upright, no EXIF) for any console page."""

import io

from flask import current_app, send_file

from server.domain import photos
from server.http.session import db_session
from server.web.pages import group, page

blp = group("photos")


@page(blp, "/photos/<sha256:sha256>/<any(thumbnail, display):size>.jpg")
def show(sha256: str, size: str):
    photos.get_visible(db_session(), sha256)
    blobs = current_app.extensions["vigil"].blobs
    with blobs.open(photos.derived_key(blobs, sha256, size)) as blob:
        data = blob.read()
    # Private: a photo is evidence for the people of its site, never for a shared cache.
    response = send_file(io.BytesIO(data), mimetype="image/jpeg", max_age=86400)
    response.cache_control.private = True
    response.cache_control.public = False
    return response
