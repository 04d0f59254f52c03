"""XML that tries to make the server read its files or fetch URLs: external
entities, entity expansion, external DTDs and XInclude, in a WFS request
posted as XML and in a KVP FILTER. The parser resolves none of them."""

from __future__ import annotations

import http.server
import threading

import pytest

pytestmark = pytest.mark.django_db

MARKER = "secret-4f1d9c"


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "signing_key.pem"
    path.write_text(f"{MARKER}\n")
    return path


@pytest.fixture
def listener():
    """A loopback HTTP server that records the paths asked of it."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY remote "' + MARKER.encode() + b'">')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def _filter(name: str) -> str:
    # An unknown property name is echoed in the exception report: whatever the
    # parser put there would come back to the client.
    return (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0">'
        f"<fes:PropertyIsEqualTo><fes:ValueReference>{name}</fes:ValueReference>"
        "<fes:Literal>UA</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>"
    )


def _get_feature(type_name: str, name: str, doctype: str) -> str:
    return f"""<?xml version="1.0"?>
{doctype}
<wfs:GetFeature service="WFS" version="2.0.0" outputFormat="application/json"
    xmlns:wfs="http://www.opengis.net/wfs/2.0">
  <wfs:Query typeNames="{type_name}">{_filter(name)}</wfs:Query>
</wfs:GetFeature>"""


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _post(client, body: str):
    return client.post("/ows", body, content_type="application/xml")


def _kvp(client, type_name: str, name: str, doctype: str):
    return client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": type_name,
            "OUTPUTFORMAT": "application/json",
            "FILTER": doctype + _filter(name),
        },
    )


def test_an_external_entity_does_not_read_a_server_file(client, ows_data, secret):
    doctype = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    for response in (
        _post(client, _get_feature(ows_data.zoning_name, "&xxe;", doctype)),
        _kvp(client, ows_data.zoning_name, "&xxe;", doctype),
    ):
        assert response.status_code < 500
        assert MARKER not in _text(response)


def test_entities_are_not_expanded(client, ows_data):
    # "Billion laughs": each level multiplies the text by ten.
    levels = ['<!ENTITY l0 "ha">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9)
    ]
    doctype = f"<!DOCTYPE r [{''.join(levels)}]>"
    response = _post(client, _get_feature(ows_data.zoning_name, "&l8;", doctype))
    assert response.status_code < 500
    assert "haha" not in _text(response)


def test_no_dtd_or_entity_is_fetched_over_the_network(client, ows_data, listener):
    base, asked = listener
    doctypes = [
        f'<!DOCTYPE r SYSTEM "{base}/external.dtd">',
        f'<!DOCTYPE r [<!ENTITY % remote SYSTEM "{base}/param.dtd"> %remote;]>',
        f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{base}/entity">]>',
    ]
    for doctype in doctypes:
        for response in (
            _post(client, _get_feature(ows_data.zoning_name, "&xxe;", doctype)),
            _kvp(client, ows_data.zoning_name, "&xxe;", doctype),
        ):
            assert response.status_code < 500
            assert MARKER not in _text(response)
    assert asked == []


def test_xinclude_is_not_processed(client, ows_data, secret):
    name = (
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        f'href="file://{secret}" parse="text"/>'
    )
    for response in (
        _post(client, _get_feature(ows_data.zoning_name, name, "")),
        _kvp(client, ows_data.zoning_name, name, ""),
    ):
        assert response.status_code < 500
        assert MARKER not in _text(response)
