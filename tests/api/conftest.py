"""An API client that calls /api/v1 as one of the `world` users, with a real token."""

from __future__ import annotations

import json

import pytest

from loomlight.api.services import api_token_issue


class Api:
    def __init__(self, client, world):
        self.client = client
        self.world = world
        self._tokens: dict[str, str] = {}

    def token(self, who: str) -> str:
        if who not in self._tokens:
            _token, raw = api_token_issue(user=self.world.users[who], name=f"tests for {who}")
            self._tokens[who] = raw
        return self._tokens[who]

    def _headers(self, who):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token(who)}"} if who else {}

    def get(self, who: str | None, path: str, **params):
        return self.client.get("/api/v1" + path, params, **self._headers(who))

    def post(self, who: str | None, path: str, body: dict | None = None):
        return self.client.post("/api/v1" + path, json.dumps(body or {}), content_type="application/json", **self._headers(who))

    def patch(self, who: str | None, path: str, body: dict):
        return self.client.patch("/api/v1" + path, json.dumps(body), content_type="application/json", **self._headers(who))

    def put(self, who: str | None, path: str, body: dict):
        return self.client.put("/api/v1" + path, json.dumps(body), content_type="application/json", **self._headers(who))

    def delete(self, who: str | None, path: str):
        return self.client.delete("/api/v1" + path, **self._headers(who))

    def upload(self, who: str | None, path: str, fields: dict):
        """multipart/form-data: ``fields`` holds the form values and the files (SimpleUploadedFile)."""
        return self.client.post("/api/v1" + path, fields, **self._headers(who))


@pytest.fixture
def api(client, world) -> Api:
    return Api(client, world)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def error(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


NOT_FOUND = error("not_found", "Not found.")
FORBIDDEN = error("permission_denied", "You may not do this.")
UNAUTHENTICATED = error("not_authenticated", "Authentication required: send “Authorization: Bearer <token>” with a valid API token.")
INVALID = "The input is not valid."
