"""Endpoints without a row in the access table: public ones, the docs, the handhelds' own."""

# Endpoints anyone may call, and the pages of the API's own documentation.
PUBLIC = {
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/health"),
    ("POST", "/api/v1/device/enroll"),  # the one-time code is the credential
}
# Called by handhelds with a device token; user tokens do not open them.
DEVICE = {
    ("GET", "/api/v1/device/config"),
    ("POST", "/api/v1/device/sync"),
    ("GET", "/api/v1/device/photos/missing"),
    ("POST", "/api/v1/device/photos/missing"),
    ("PUT", "/api/v1/device/photos/<sha256:sha256>"),
}
DOCS = {
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/docs/assets/<path:filename>"),
}
