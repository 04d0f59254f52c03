"""The import tests' fixtures of the real French PLU, shared with tests/importing."""

from tests.importing.conftest import (  # noqa: F401 - fixtures
    plu_agency,
    plu_document,
    plu_overlay,
    plu_zoning,
)
