"""QR tags, their label sheets, and the signing keys behind them."""

from tests.access.case import EVERYONE, MANAGERS, ONLY_ADMIN, Case, by_id, create, fixed

TAGS = [
    Case("GET", "/api/v1/qr-tags", MANAGERS, fixed("/api/v1/qr-tags")),
    Case(
        "POST",
        "/api/v1/qr-tags",
        MANAGERS,
        create("qr-tags", lambda p: {"asset_id": p.asset.id}),
        "site",
        outsider=404,
    ),
    Case("GET", "/api/v1/qr-tags/<id:tag_id>", MANAGERS, by_id("qr-tags", "tag"), "site"),
    *(
        Case(
            "GET",
            f"/api/v1/qr-tags/<id:tag_id>/{image}",
            MANAGERS,
            lambda p, w, image=image: (f"/api/v1/qr-tags/{p.tag.id}/{image}", None),
            "site",
        )
        for image in ("image.png", "image.svg")
    ),
    Case(
        "POST",
        "/api/v1/qr-tags/<id:tag_id>/reissue",
        MANAGERS,
        lambda p, w: (f"/api/v1/qr-tags/{p.tag.id}/reissue", {"reason": "sticker torn"}),
        "site",
        outsider=404,
    ),
    Case(
        "POST",
        "/api/v1/qr-tags/<id:tag_id>/revoke",
        MANAGERS,
        lambda p, w: (f"/api/v1/qr-tags/{p.tag.id}/revoke", {"reason": "checkpoint moved"}),
        "site",
        success=200,
        outsider=404,
    ),
    Case(
        "POST",
        "/api/v1/qr-tags/verify",
        EVERYONE,
        fixed("/api/v1/qr-tags/verify", {"payload": "V1:C:1:1:1:AAAAAAAAAAAAAAAA"}),
        success=200,
    ),
    Case(
        "GET",
        "/api/v1/label-sheets",
        MANAGERS,
        lambda p, w: (f"/api/v1/label-sheets?site_id={p.site.id}", None),
        "site",
    ),
    # Someone else's tag ids are as unknown as made-up ones: nothing active to print (422).
    Case(
        "POST",
        "/api/v1/label-sheets",
        MANAGERS,
        lambda p, w: ("/api/v1/label-sheets", {"tag_ids": [p.tag.id]}),
        "site",
        success=200,
    ),
]

TAG_KEYS = [
    Case("GET", "/api/v1/tag-keys", ONLY_ADMIN, fixed("/api/v1/tag-keys")),
    Case("POST", "/api/v1/tag-keys", ONLY_ADMIN, fixed("/api/v1/tag-keys")),
    Case(
        "POST",
        "/api/v1/tag-keys/<id:key_id>/retire",
        ONLY_ADMIN,
        lambda p, w: (f"/api/v1/tag-keys/{p.tag.key_id}/retire", None),
        "tenant",
        success=200,
        outsider=404,
    ),
]
