"""A URL or header past Vigil's limits is 414 or 431 in the API's error shape, before any view."""

from urllib.parse import quote

import pytest

from server.api.errors import body
from server.http.limits import MAX_FIELD_BYTES, MAX_HEADER_BYTES, MAX_URL_BYTES


def path_of(length: int) -> str:
    """An unknown API path exactly length bytes long."""
    prefix = "/api/v1/"
    return prefix + "a" * (length - len(prefix))


class TestUrl:
    def test_a_url_at_the_limit_reaches_routing(self, client):
        response = client.get(path_of(MAX_URL_BYTES))
        assert response.status_code == 404

    def test_one_byte_more_is_414_in_the_error_shape(self, client):
        response = client.get(path_of(MAX_URL_BYTES + 1))
        assert response.status_code == 414
        assert response.json == body(
            414, f"the URL is {MAX_URL_BYTES + 1} bytes; at most {MAX_URL_BYTES} are accepted"
        )
        assert response.headers["X-Request-ID"]

    def test_bytes_are_counted_as_sent_not_characters(self, client):
        # 湖 is three UTF-8 bytes, nine once percent-encoded: 500 of them are 4500 bytes.
        response = client.get("/api/v1/sites?name=" + quote("湖" * 500))
        assert response.status_code == 414

    def test_the_limit_comes_before_authentication_and_query_checks(self, client):
        response = client.get(f"/api/v1/alerts?stat={'x' * MAX_URL_BYTES}")
        assert response.status_code == 414


class TestHeaders:
    @pytest.mark.parametrize("name", ["X-Pad", "Authorization", "Cookie"])
    def test_a_field_at_the_limit_is_read(self, client, name):
        value = "a" * (MAX_FIELD_BYTES - len(name))
        response = client.get("/api/health", headers={name: value})
        assert response.status_code == 200

    def test_one_byte_more_is_431_naming_the_header(self, client):
        response = client.get("/api/health", headers={"X-Pad": "a" * (MAX_FIELD_BYTES - 4)})
        assert response.status_code == 431
        assert response.json == body(
            431,
            f"the header X-Pad is {MAX_FIELD_BYTES + 1} bytes; "
            f"at most {MAX_FIELD_BYTES} are accepted for one header",
        )

    def test_many_fields_under_the_limit_can_still_be_too_many_bytes(self, client):
        count = MAX_HEADER_BYTES // MAX_FIELD_BYTES + 1
        headers = {f"X-Pad-{i}": "a" * (MAX_FIELD_BYTES - 10) for i in range(count)}
        response = client.get("/api/health", headers=headers)
        assert response.status_code == 431
        assert response.json["message"].startswith("the headers are ")
        assert response.json["status"] == "Request Header Fields Too Large"
