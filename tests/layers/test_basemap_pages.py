"""The planner's orthophoto page: upload, publish, refusals in the planner's
language, and only their own agency's base maps."""

from __future__ import annotations

import pytest
from PIL import Image

from geoportal.demo_orthophoto import orthophoto_pixels, orthophoto_write
from layers.models import BaseMapVersion

URL = "/planner/orthophotos/"


@pytest.fixture
def small_photo(tmp_path):
    """A 300 × 200 photo in EPSG:26191, small enough to be converted at once."""
    return orthophoto_write(
        path=tmp_path / "photo.tif",
        pixels=orthophoto_pixels(width=300, height=200),
        srid=26191,
        west=380000.0,
        north=370000.0,
        resolution=0.5,
    )


def post_upload(client, agency, path, language="fr"):
    with path.open("rb") as upload:
        return client.post(
            URL,
            {
                "agency": agency.pk,
                "name": "ortho-2024",
                "title_fr": "Orthophoto 2024",
                "title_ar": "صورة جوية 2024",
                "file": upload,
            },
            headers={"Accept-Language": language},
            follow=True,
        )


def test_a_planner_uploads_then_publishes_an_orthophoto(
    client, planner, agency, small_photo
):
    client.force_login(planner)
    page = post_upload(client, agency, small_photo)

    version = BaseMapVersion.objects.get(base_map__agency=agency)
    assert version.status == BaseMapVersion.Status.DRAFT
    assert "reçue" in page.content.decode()
    assert "Orthophoto 2024" in page.content.decode()

    published = client.post(f"/planner/orthophotos/{version.pk}/publish", follow=True)

    version.refresh_from_db()
    assert version.status == BaseMapVersion.Status.PUBLISHED
    assert "publiée" in published.content.decode()
    assert client.get("/planner/").content.decode().count(URL) == 1


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "n’est pas géoréférencée"), ("ar", "الصورة غير مرجعة جغرافيا")],
)
def test_an_image_without_position_is_refused_on_the_page(
    client, planner, agency, tmp_path, language, words
):
    plain = tmp_path / "scan.tif"
    Image.fromarray(orthophoto_pixels(width=100, height=100)).save(plain)
    client.force_login(planner)

    page = post_upload(client, agency, plain, language=language)

    assert words in page.content.decode()
    assert not BaseMapVersion.objects.filter(base_map__agency=agency).exists()


def test_another_agencys_planner_may_not_publish(
    client, planner, other_planner, agency, small_photo
):
    client.force_login(planner)
    post_upload(client, agency, small_photo)
    version = BaseMapVersion.objects.get(base_map__agency=agency)
    client.force_login(other_planner)

    response = client.post(f"/planner/orthophotos/{version.pk}/publish")
    listed = client.get(URL)

    assert response.status_code == 404
    version.refresh_from_db()
    assert version.status == BaseMapVersion.Status.DRAFT
    assert "Orthophoto 2024" not in listed.content.decode()
    # The form offers their own agency only.
    assert f'value="{agency.pk}"' not in listed.content.decode()
