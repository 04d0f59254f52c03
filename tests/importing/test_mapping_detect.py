"""The mapping step's guesses: fields detected by their usual names (case and
accents aside), category values suggested, chosen values and the layer's
remembered mapping applied to the features an import stores."""

from __future__ import annotations

import pytest
import shapely

from importing.errors import InvalidMapping
from importing.mapping import (
    FieldMapping,
    category_suggest,
    field_key,
    mapping_guess,
    mapping_override,
)
from importing.plan import ImportOptions
from layers.models import Feature, Layer
from layers.services import layer_import

from .conftest import SIZE, SOUTH, WEST, geojson_file, shapefile_zip

CNIG_FIELDS = [
    "LIBELLE",
    "LIBELONG",
    "TYPEZONE",
    "DESTDOMI",
    "NOMFIC",
    "URLFIC",
    "INSEE",
    "DATAPPRO",
    "DATVALID",
]


def test_cnig_zone_urba_fields_are_detected():
    mapping = mapping_guess(CNIG_FIELDS)
    assert mapping.schema == "cnig_plu_zone_urba"
    assert mapping.fields == {
        "code": "LIBELLE",
        "label_fr": "LIBELONG",
        "category": "TYPEZONE",
    }
    assert set(mapping.origins.values()) == {"detected"}


def test_usual_names_are_detected_whatever_their_case_and_accents():
    mapping = mapping_guess(["Zonage", "Libellé", "nom_ar", "Vocation", "Hauteur"])
    assert mapping.fields == {
        "code": "Zonage",
        "label_fr": "Libellé",
        "label_ar": "nom_ar",
        "category": "Vocation",
        "max_height_m": "Hauteur",
    }
    assert field_key("Désignation ar") == "DESIGNATION_AR"


def test_a_cnig_file_with_more_fields_gets_them_by_their_usual_names():
    mapping = mapping_guess(["libelle", "Libelong", "TypeZone", "NOM_AR", "COS"])
    assert mapping.schema == "cnig_plu_zone_urba"
    assert mapping.fields == {
        "code": "libelle",
        "label_fr": "Libelong",
        "category": "TypeZone",
        "label_ar": "NOM_AR",
        "cos": "COS",
    }


def test_fields_named_in_arabic_are_told_apart():
    fields = ["ZONE", "الاسم", "التسمية"]
    mapping = mapping_override(mapping_guess(fields), {"label_ar": "التسمية"}, fields)
    assert mapping.fields == {"code": "ZONE", "label_ar": "التسمية"}
    assert mapping.origins["label_ar"] == "chosen"
    with pytest.raises(InvalidMapping, match="المنطقة"):
        mapping_override(mapping, {"label_ar": "المنطقة"}, fields)


def test_a_label_field_is_not_also_read_as_the_code():
    mapping = mapping_guess(["NOM", "SURFACE"])
    assert mapping.fields == {"code": "NOM"}


def test_the_remembered_mapping_comes_before_the_usual_names():
    remembered = {"fields": {"code": "secteur", "label_fr": "gone"}, "values": {}}
    mapping = mapping_guess(["ZONE", "SECTEUR", "LIBELLE"], remembered=remembered)
    assert mapping.fields["code"] == "SECTEUR"
    assert mapping.origins["code"] == "remembered"
    # A remembered field the new file lacks gives way to what is detected.
    assert mapping.fields["label_fr"] == "LIBELLE"
    assert mapping.origins["label_fr"] == "detected"


def test_cnig_zone_types_are_suggested_and_u_by_its_destination():
    records = [
        {"TYPEZONE": "U", "DESTDOMI": "02"},
        {"TYPEZONE": "U", "DESTDOMI": "01"},
        {"TYPEZONE": "AUc", "DESTDOMI": "01"},
        {"TYPEZONE": "A", "DESTDOMI": "07"},
        {"TYPEZONE": "Nh", "DESTDOMI": "08"},
    ]
    mapping = mapping_guess(CNIG_FIELDS)
    choices = {
        choice.value: choice
        for choice in category_suggest(
            records, field="TYPEZONE", kind="zoning", mapping=mapping
        )
    }
    assert choices["U"].count == 2
    assert choices["U"].suggestion == "industrial"  # its first record's, DESTDOMI 02
    assert choices["AUc"].suggestion == "to_urbanise"
    assert choices["A"].suggestion == "agricultural"
    assert choices["Nh"].suggestion == "natural"


def test_free_values_are_suggested_or_left_for_the_planner():
    records = [
        {"TYPE": value}
        for value in [
            "habitat",
            "habitat",
            "U",
            "AU",
            "zone agricole",
            "Équipement",
            "other",
        ]
    ]
    mapping = FieldMapping(fields={"category": "TYPE"}, values={"U": "villa"})
    choices = category_suggest(records, field="TYPE", kind="zoning", mapping=mapping)
    assert choices[0].value == "habitat"  # the most frequent first
    by_value = {choice.value: choice.as_dict() for choice in choices}
    assert by_value["habitat"]["recognised"] is False
    assert by_value["habitat"]["category"] == ""
    assert by_value["AU"]["suggestion"] == "to_urbanise"
    assert by_value["zone agricole"]["suggestion"] == "agricultural"
    assert by_value["Équipement"]["suggestion"] == "equipment"
    assert by_value["other"]["suggestion"] == "other"  # the file's own word
    assert by_value["U"] == {
        "value": "U",
        "count": 1,
        "suggestion": "mixed",
        "mapped": "villa",
        "recognised": True,
        "category": "villa",
    }


def test_a_value_mapped_outside_the_vocabulary_is_refused():
    mapping = mapping_guess(["ZONE", "TYPE"])
    with pytest.raises(InvalidMapping, match="houses"):
        mapping_override(mapping, {}, ["ZONE", "TYPE"], values={"habitat": "houses"})
    overlay = mapping_override(
        mapping, {}, ["ZONE", "TYPE"], values={"R": "risk"}, kind="overlay"
    )
    assert overlay.values == {"R": "risk"}


def _typed_zones(tmp_path, types):
    half = SIZE / 2
    cells = [
        shapely.box(
            WEST + col * half,
            SOUTH + row * half,
            WEST + (col + 1) * half,
            SOUTH + (row + 1) * half,
        )
        for row in range(2)
        for col in range(2)
    ]
    features = [
        (cell, {"ZONE": f"Z{index}", "TYPE": kind})
        for index, (cell, kind) in enumerate(zip(cells, types, strict=True))
    ]
    return geojson_file(tmp_path / "zonage.geojson", features)


def test_chosen_values_become_the_features_categories(zoning_layer, tmp_path):
    path = _typed_zones(tmp_path, ["habitat", "habitat", "zone agricole", "U"])
    version = layer_import(
        layer=zoning_layer,
        path=path,
        options=ImportOptions(values={"habitat": "collective_housing"}),
    )
    categories = dict(
        Feature.objects.filter(version=version).values_list("code", "category")
    )
    assert categories == {
        "Z0": "collective_housing",
        "Z1": "collective_housing",
        "Z2": "agricultural",
        "Z3": "mixed",
    }
    assert not any(
        issue["code"] == "category_unmapped" for issue in version.report["issues"]
    )


def test_values_left_unmapped_are_reported_not_silently_other(zoning_layer, tmp_path):
    path = _typed_zones(tmp_path, ["habitat", "habitat", "zone agricole", "U"])
    version = layer_import(layer=zoning_layer, path=path)
    issue = next(
        issue
        for issue in version.report["issues"]
        if issue["code"] == "category_unmapped"
    )
    assert issue["severity"] == "warning"
    assert issue["count"] == 2
    assert issue["params"]["values"] == "habitat"


def test_the_layer_remembers_its_mapping_for_the_next_upload(zoning_layer, tmp_path):
    path = _typed_zones(tmp_path, ["habitat", "habitat", "zone agricole", "U"])
    layer_import(
        layer=zoning_layer,
        path=path,
        options=ImportOptions(
            mapping={"label_fr": "TYPE"}, values={"habitat": "villa"}
        ),
    )
    zoning_layer.refresh_from_db()
    assert zoning_layer.import_mapping == {
        "fields": {"code": "ZONE", "category": "TYPE", "label_fr": "TYPE"},
        "values": {"habitat": "villa"},
    }
    # The next upload, with no choice made, reads the file the same way.
    again = layer_import(layer=zoning_layer, path=path)
    feature = Feature.objects.filter(version=again, code="Z0").get()
    assert (feature.label_fr, feature.category) == ("habitat", "villa")


def test_the_real_cnig_plu_keeps_its_categories_with_no_value_chosen(
    plu_zoning, tmp_path
):
    version = layer_import(
        layer=plu_zoning,
        path=shapefile_zip(tmp_path),
        options=ImportOptions(tolerance_m2=500),
    )
    categories = set(
        Feature.objects.filter(version=version).values_list("category", flat=True)
    )
    assert "other" not in categories
    assert {"agricultural", "natural", "to_urbanise"} <= categories
    assert Layer.objects.get(pk=plu_zoning.pk).import_mapping["fields"] == {
        "code": "LIBELLE",
        "label_fr": "LIBELONG",
        "category": "TYPEZONE",
    }
