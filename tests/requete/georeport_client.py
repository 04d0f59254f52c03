"""A small Open311 GeoReport v2 client, written against the published
specification (http://wiki.open311.org/GeoReport_v2) and nothing of the
portal's code: plain HTTP, form-encoded POST, JSON answers, errors as
``[{"code", "description"}]``."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET


def _errors(body: bytes) -> list[dict]:
    """An error answer, JSON or XML, as ``[{"code", "description"}]``."""
    if body.lstrip().startswith(b"<"):
        root = ET.fromstring(body)
        return [
            {"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in root.iterfind("error")
        ]
    return json.loads(body)


class GeoReportError(Exception):
    def __init__(self, status: int, errors: list, headers) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors
        self.headers = headers


class GeoReport:
    """An endpoint ``base`` (ending in /v2/) of one ``jurisdiction_id``."""

    def __init__(self, base: str, jurisdiction_id: str = "", language: str = "fr"):
        self.base = base
        self.jurisdiction_id = jurisdiction_id
        self.language = language

    def _call(self, path: str, params: dict, *, post: bool = False):
        params = {k: v for k, v in params.items() if v not in (None, "")}
        if self.jurisdiction_id:
            params.setdefault("jurisdiction_id", self.jurisdiction_id)
        query = urllib.parse.urlencode(params)
        url = self.base + path
        if post:
            request = urllib.request.Request(url, data=query.encode(), method="POST")
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        else:
            request = urllib.request.Request(f"{url}?{query}" if query else url)
        request.add_header("Accept-Language", self.language)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            raise GeoReportError(
                error.code, _errors(error.read()), error.headers
            ) from None

    def _json(self, path: str, params: dict, **options):
        return json.loads(self._call(path, params, **options)[1])

    def services(self) -> list[dict]:
        return self._json("services.json", {})

    def definition(self, service_code: str) -> dict:
        return self._json(f"services/{service_code}.json", {})

    def post(self, service_code: str, *, attributes: dict | None = None, **fields):
        params = {"service_code": service_code, **fields}
        for code, value in (attributes or {}).items():
            params[f"attribute[{code}]"] = value
        status, body = self._call("requests.json", params, post=True)
        return status, json.loads(body)

    def token(self, token: str) -> list[dict]:
        return self._json(f"tokens/{token}.json", {})

    def requests(self, **filters) -> list[dict]:
        return self._json("requests.json", filters)

    def request(self, service_request_id: str, **options) -> list[dict]:
        return self._json(f"requests/{service_request_id}.json", options)

    def raw(self, path: str, **params) -> bytes:
        return self._call(path, params)[1]
