from django.urls import path, register_converter

from documents import codes, views

app_name = "documents"


class CodeConverter:
    """A document's code in a URL (27 characters, hyphenated or not); other
    texts fall through to the routes after (notes' verification tokens)."""

    regex = codes.PATH_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "document_code")

urlpatterns = [
    path("api/v1/issued-documents/keys", views.keys_json, name="keys_json"),
    path(
        "api/v1/issued-documents/<document_code:code>", views.verify_json, name="json"
    ),
    path("verify/keys", views.keys_page, name="keys"),
    path("verify/<document_code:code>", views.verify_page, name="verify"),
]
