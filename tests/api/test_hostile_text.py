"""Text that looks like SQL, HTML or a spreadsheet formula is stored and shown exactly as sent."""

import pytest

HOSTILE = [
    "'; DROP TABLE sites; --",
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example")',
    "北门 Robert'); DELETE FROM users WHERE ('1'='1",
    "%s %(x)s {0} ${jndi:ldap://x}",
    "\u202e RTL override \u200b zero width",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_round_trip_verbatim_and_harm_nothing(client, admin, site, text):
    made = client.post(
        "/api/v1/checkpoints",
        json={"site_id": site.id, "name": text, "code": "HX1", "instructions": text},
        headers=admin,
    )
    assert made.status_code == 201, made.json
    assert made.content_type.startswith("application/json")
    fetched = client.get(f"/api/v1/checkpoints/{made.json['id']}", headers=admin).json
    assert (fetched["name"], fetched["instructions"]) == (text, text)
    found = client.get("/api/v1/checkpoints", query_string={"q": text[:20]}, headers=admin)
    assert found.status_code == 200
    assert [c["name"] for c in found.json] == [text]
    renamed = client.patch(f"/api/v1/sites/{site.id}", json={"address": text}, headers=admin)
    assert renamed.status_code == 200 and renamed.json["address"] == text
    # The tables are all still there and still answer.
    assert client.get("/api/v1/sites", headers=admin).status_code == 200
    assert client.get("/api/v1/users", headers=admin).status_code == 200
