"""Generate the fictional demo agency's data (Oued Zahra, near Rabat) into data/demo/.

Run ``.venv/bin/python data/demo/generate.py [output-directory]``. The output is
deterministic: a fixed seed, coordinates rounded to 1 cm on a fixed grid, stable
ordering, so every run writes identical bytes (tests check it).

How the town is made, in EPSG:26191 (Merchich / Nord Maroc) metres:

1. a commune territory of about 5 km² south-west of Rabat;
2. street axes: two boulevards that are not axis-aligned, a curved ring road, a
   wadi, the ring road around an irregular old core (médina), narrow lanes (derbs)
   inside the core, and in every district a grid in its own orientation;
3. *cells* = the territory cut by every axis (an exact planar partition);
   *blocks* = cells minus the street rights-of-way;
4. zones = unions of neighbouring cells, so they follow street axes and tile the
   territory exactly; parcels = blocks cut into lots fronting the streets.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPolygon,
    Point,
    Polygon,
    mapping,
)

HERE = Path(__file__).resolve().parent
SEED = 20210610
SRID = 26191
GRID = 0.01  # every output coordinate lies on this 1 cm grid
# The town centre (the crossing of the two boulevards), south-west of Rabat.
CENTRE_LONLAT = (-6.90, 33.90)
COMMUNE_FR = "Commune de Oued Zahra (fictive)"
COMMUNE_AR = "جماعة واد الزهرة (وهمية)"
CRS = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{SRID}"}}

# The territory, in metres from the centre, clockwise from the south-west.
TERRITORY_OUTLINE = [
    (-1300, -1000),
    (-650, -1120),
    (-200, -1160),
    (450, -1100),
    (900, -1030),
    (1250, -700),
    (1360, -150),
    (1300, 320),
    (1120, 880),
    (650, 1060),
    (200, 1120),
    (-380, 1080),
    (-760, 1000),
    (-1180, 700),
    (-1420, 200),
    (-1450, -420),
]
BOULEVARD_WIDTH = 30.0
RING_ROAD_WIDTH = 20.0
MEDINA_RING_WIDTH = 12.0
DERB_WIDTH = 4.0
WADI_BED_WIDTH = 24.0
MEDINA_CENTRE = (-420, 380)
MEDINA_RADIUS = 215.0
MEDINA_LANE_SEEDS = 34
SMALLEST_CELL_M2 = 1500.0
RING_ROAD_RADIUS = 900.0


@dataclasses.dataclass(frozen=True)
class Fabric:
    """How a kind of urban fabric is laid out: block sizes and lot widths (m)."""

    block_depth: float
    block_length: float
    street_width: float
    lot_width: tuple[float, float]
    rows: int  # lots back to back across a block (1 = lots cross the block)


FABRICS = {
    "economic": Fabric(44, 120, 10, (11, 14), 2),
    "collective": Fabric(62, 150, 15, (26, 38), 2),
    "mixed": Fabric(56, 125, 15, (20, 28), 2),
    "villa": Fabric(72, 190, 12, (26, 34), 2),
    "industrial": Fabric(130, 230, 20, (34, 60), 2),
    "agricultural": Fabric(310, 520, 8, (70, 150), 1),
    "medina": Fabric(0, 0, DERB_WIDTH, (12, 16), 2),
}


@dataclasses.dataclass(frozen=True)
class District:
    """A neighbourhood: a seed point (m from the centre) picks the pieces it owns."""

    name: str
    seed: tuple[float, float]
    fabric: str
    grid_bearing: float  # degrees from grid north of the district's streets
    street_names: tuple[str, ...]


DISTRICTS = [
    District(
        "Hay Al Amal",
        (450, -600),
        "economic",
        25.0,
        ("Rue Al Amal", "Rue Al Fath", "Rue Annasr", "Rue Al Qods", "Rue Al Wifaq"),
    ),
    District(
        "Hay Ennakhil",
        (700, 450),
        "collective",
        20.0,
        ("Rue des Palmiers", "Rue Ibn Sina", "Rue Ibn Rochd", "Rue Al Farabi"),
    ),
    District(
        "Lotissement Les Jardins",
        (-100, 850),
        "villa",
        112.0,
        ("Rue des Orangers", "Rue des Jasmins", "Rue des Mimosas", "Rue des Lauriers"),
    ),
    District(
        "Quartier industriel Sidi Bouzid",
        (950, -750),
        "industrial",
        105.0,
        ("Rue de l'Industrie", "Rue des Artisans", "Rue du Commerce"),
    ),
    District(
        "Hay Al Wahda",
        (-550, -300),
        "collective",
        -70.0,
        ("Rue Al Moukawama", "Rue Al Istiqlal", "Rue Tarik Ibn Ziad"),
    ),
    District(
        "Hay Al Andalous",
        (-60, 330),
        "collective",
        40.0,
        ("Rue de Grenade", "Rue de Cordoue", "Rue de Séville"),
    ),
    District(
        "Centre",
        (120, 120),
        "mixed",
        25.0,
        ("Rue Allal Ben Abdellah", "Rue Ibn Khaldoun", "Rue Al Mansour Eddahbi"),
    ),
    District(
        "Douar Oulad Zahra",
        (-1200, -300),
        "agricultural",
        10.0,
        ("Chemin rural n° 1", "Chemin rural n° 2", "Chemin rural n° 3"),
    ),
    District(
        "Hay Essalam",
        (-700, -850),
        "economic",
        -65.0,
        ("Rue Essalam", "Rue Al Massira Al Khadra", "Rue Al Houria"),
    ),
    District(
        "Lotissement Al Fadl",
        (300, -1000),
        "villa",
        100.0,
        ("Rue des Roses", "Rue des Glycines", "Rue des Bougainvilliers"),
    ),
    District(
        "Médina",
        MEDINA_CENTRE,
        "medina",
        0.0,
        (
            "Derb Sidi Ahmed",
            "Derb Zitoune",
            "Derb Lablida",
            "Derb Sqaya",
            "Derb Lihoud",
        ),
    ),
]


@dataclasses.dataclass
class Street:
    """A street axis, its right-of-way width and its name."""

    name: str
    kind: str
    width: float
    geom: LineString | MultiLineString


def centre_xy() -> tuple[float, float]:
    """The town centre in EPSG:26191, rounded to the metre (keeps the 1 cm grid)."""
    to_lambert = Transformer.from_crs("EPSG:4326", f"EPSG:{SRID}", always_xy=True)
    x, y = to_lambert.transform(*CENTRE_LONLAT)
    return float(round(x)), float(round(y))


class Town:
    """Builds the geometry of the demo town; every step is one method."""

    def __init__(self) -> None:
        self.rng = np.random.default_rng(SEED)
        self.ox, self.oy = centre_xy()

    def at(self, x: float, y: float) -> tuple[float, float]:
        """Absolute coordinates of a point given in metres from the centre."""
        return (self.ox + x, self.oy + y)

    def line(self, start, bearing: float, length: float) -> LineString:
        """A straight line through ``start`` (local m) along ``bearing`` degrees."""
        dx = math.sin(math.radians(bearing)) * length / 2
        dy = math.cos(math.radians(bearing)) * length / 2
        x, y = self.at(*start)
        return LineString([(x - dx, y - dy), (x + dx, y + dy)])

    # -- the frame: territory, arterials, wadi, médina ----------------------------

    def territory(self) -> Polygon:
        """The commune boundary."""
        return Polygon([self.at(x, y) for x, y in TERRITORY_OUTLINE])

    def wadi(self) -> LineString:
        """The Oued Zahra: a meandering axis across the western districts."""
        points = []
        for step in range(61):
            t = step / 60
            x = -1560 + 1400 * t + 70 * math.sin(t * 5 * math.pi)
            y = 1000 - 2400 * t + 40 * math.sin(t * 3 * math.pi + 1)
            points.append(self.at(x, y))
        return LineString(points)

    def medina(self) -> Polygon:
        """The old core: an irregular walled oval."""
        points = []
        for step in range(16):
            angle = 2 * math.pi * step / 16
            radius = MEDINA_RADIUS * (1 + 0.14 * math.sin(3 * angle + 0.5))
            radius *= float(self.rng.uniform(0.93, 1.05))
            points.append(
                self.at(
                    MEDINA_CENTRE[0] + radius * 1.15 * math.cos(angle),
                    MEDINA_CENTRE[1] + radius * math.sin(angle),
                )
            )
        return Polygon(points)

    def ring_road(self) -> LineString:
        """The curved ring road (rocade) in the east and north of the town."""
        points = []
        for step in range(73):
            angle = math.radians(-120 + 300 * step / 72)
            points.append(
                self.at(
                    -100 + RING_ROAD_RADIUS * math.cos(angle),
                    -50 + RING_ROAD_RADIUS * 0.92 * math.sin(angle),
                )
            )
        return LineString(points)

    def arterials(self, territory: Polygon, medina: Polygon) -> list[Street]:
        """Boulevards, ring road, wadi and the médina's ring: the district frame."""
        outside_core = territory.difference(medina.buffer(MEDINA_RING_WIDTH))
        return [
            Street(
                "Boulevard Al Massira",
                "boulevard",
                BOULEVARD_WIDTH,
                self.line((-100, -50), 25, 4000).intersection(territory),
            ),
            Street(
                "Avenue Al Wahda",
                "boulevard",
                BOULEVARD_WIDTH,
                self.line((-100, -50), 110, 4000).intersection(territory),
            ),
            Street(
                "Rocade Ennakhil",
                "avenue",
                RING_ROAD_WIDTH,
                self.ring_road().intersection(outside_core),
            ),
            Street(
                "Avenue de l'Industrie",
                "avenue",
                RING_ROAD_WIDTH,
                self.line((650, -800), 150, 1400).intersection(territory),
            ),
            Street(
                "Oued Zahra",
                "wadi",
                WADI_BED_WIDTH,
                self.wadi().intersection(territory),
            ),
            Street(
                "Boulevard de la Médina", "avenue", MEDINA_RING_WIDTH, medina.exterior
            ),
        ]

    # -- districts, their streets, cells and blocks ----------------------------------

    def districts(
        self, territory: Polygon, medina: Polygon, frame: list[Street]
    ) -> list[tuple[District, Polygon]]:
        """The pieces of the territory between frame axes, each with its district.

        A piece belongs to the district whose seed lies in it, else to the nearest.
        """
        noded = shapely.union_all(
            [territory.exterior] + [s.geom for s in frame], grid_size=GRID
        )
        pieces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
        seeds = [Point(self.at(*d.seed)) for d in DISTRICTS]
        owned = []
        for piece in pieces:
            inside = [
                d
                for d, seed in zip(DISTRICTS, seeds, strict=True)
                if piece.contains(seed)
            ]
            if inside:
                owned.append((inside[0], piece))
            else:
                distances = [piece.distance(seed) for seed in seeds]
                owned.append((DISTRICTS[int(np.argmin(distances))], piece))
        return owned

    def grid_streets(self, district: District, piece: Polygon) -> list[Street]:
        """The district's street grid, clipped to its piece, named after it."""
        fabric = FABRICS[district.fabric]
        bearing = math.radians(district.grid_bearing)
        u = np.array([math.sin(bearing), math.cos(bearing)])
        v = np.array([u[1], -u[0]])
        # A little skew between the two directions looks less like a drawing board.
        skew = math.radians(float(self.rng.uniform(-6, 6)))
        w = np.array(
            [
                math.cos(skew) * v[0] - math.sin(skew) * v[1],
                math.sin(skew) * v[0] + math.cos(skew) * v[1],
            ]
        )
        centre = np.array(piece.centroid.coords[0])
        reach = math.dist(piece.bounds[:2], piece.bounds[2:])
        lines = []
        for direction, across, spacing in (
            (u, v, fabric.block_depth + fabric.street_width),
            (w, u, fabric.block_length + fabric.street_width),
        ):
            phase = float(self.rng.uniform(0, spacing))
            count = int(reach / spacing) + 1
            for k in range(-count, count + 1):
                mid = centre + across * (k * spacing + phase)
                line = LineString([mid - direction * reach, mid + direction * reach])
                clipped = line.intersection(piece)
                for part in shapely.get_parts(clipped):
                    if part.geom_type == "LineString" and part.length > 30:
                        lines.append(part)
        streets = []
        for index, line in enumerate(lines):
            if index < len(district.street_names):
                name = district.street_names[index]
            else:
                prefix = "Chemin rural" if district.fabric == "agricultural" else "Rue"
                name = f"{prefix} n° {index + 1}"
            streets.append(Street(name, "street", fabric.street_width, line))
        return streets

    def medina_lanes(self, district: District, medina: Polygon) -> list[Street]:
        """Derbs: the edges of an irregular (Voronoi) cell pattern inside the core."""
        minx, miny, maxx, maxy = medina.bounds
        seeds = []
        while len(seeds) < MEDINA_LANE_SEEDS:
            point = Point(
                float(self.rng.uniform(minx, maxx)), float(self.rng.uniform(miny, maxy))
            )
            if medina.buffer(-25).contains(point):
                seeds.append(point)
        cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds))
        edges = shapely.union_all(
            [cell.exterior for cell in shapely.get_parts(cells)], grid_size=GRID
        ).intersection(medina.buffer(1.0))
        streets = []
        for index, part in enumerate(shapely.get_parts(shapely.line_merge(edges))):
            if part.length < 5:
                continue
            names = district.street_names
            name = names[index % len(names)]
            if index >= len(names):
                name = f"{name} {index // len(names) + 1}"
            streets.append(Street(name, "derb", DERB_WIDTH, part))
        return streets


@dataclasses.dataclass
class Cell:
    """A piece of the territory between street axes; zones are unions of cells."""

    index: int
    geom: Polygon
    district: District
    block: Polygon | MultiPolygon  # the cell minus the street rights-of-way
    on_boulevard: bool
    on_wadi: bool


def merge_slivers(polygons: list[Polygon]) -> list[Polygon]:
    """Join every cell smaller than SMALLEST_CELL_M2 (a street grazing a district
    edge leaves such slivers) to the neighbour it shares most boundary with."""
    polygons = list(polygons)
    while True:
        small = [i for i, p in enumerate(polygons) if p.area < SMALLEST_CELL_M2]
        if not small:
            return polygons
        index = min(small, key=lambda i: polygons[i].area)
        sliver = polygons.pop(index)
        shared = [sliver.boundary.intersection(p.boundary).length for p in polygons]
        best = int(np.argmax(shared))
        merged = shapely.union_all([polygons[best], sliver], grid_size=GRID)
        if merged.geom_type != "Polygon":
            raise ValueError("a sliver cell touches no other cell along an edge")
        polygons[best] = merged


def build_cells(
    town: Town,
) -> tuple[Polygon, Polygon, list[Street], list[Cell], list[Street]]:
    """The territory, the médina, every street, the cells, and the frame streets."""
    territory = town.territory()
    medina = town.medina()
    frame = town.arterials(territory, medina)
    streets = list(frame)
    owned = town.districts(territory, medina, frame)
    for district, piece in owned:
        if district.fabric == "medina":
            streets.extend(town.medina_lanes(district, piece))
        else:
            streets.extend(town.grid_streets(district, piece))
    noded = shapely.union_all(
        [territory.exterior] + [s.geom for s in streets], grid_size=GRID
    )
    polygons = merge_slivers(
        list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    )
    # The territory written out is the union of the cells, so it carries every
    # node where a street meets the boundary and the cells tile it exactly.
    territory = shapely.union_all(polygons, grid_size=GRID)
    rights_of_way = shapely.union_all(
        [s.geom.buffer(s.width / 2, cap_style="flat") for s in streets]
    )
    boulevards = shapely.union_all([s.geom for s in frame if s.kind == "boulevard"])
    wadi = next(s.geom for s in frame if s.kind == "wadi")
    pieces = [piece for _, piece in owned]
    piece_tree = shapely.STRtree(pieces)
    cells = []
    for index, polygon in enumerate(polygons):
        inside = polygon.representative_point()
        hits = piece_tree.query(inside, predicate="intersects")
        district = owned[int(hits[0])][0]
        block = shapely.set_precision(polygon.difference(rights_of_way), GRID)
        cells.append(
            Cell(
                index=index,
                geom=polygon,
                district=district,
                block=block,
                on_boulevard=polygon.distance(boulevards) < 0.5,
                on_wadi=polygon.distance(wadi) < 0.5,
            )
        )
    return territory, medina, streets, cells, frame


# -- zoning --------------------------------------------------------------------------

# Zone code of a district's ordinary cells, by fabric and district, in the current
# plan (2021) and in the expired one (2009).
ZONE_CODE_2021 = {
    "collective": "B4",
    "mixed": "ZC",
    "economic": "E1",
    "villa": "D2",
    "industrial": "I",
    "agricultural": "RA",
    "medina": "MED",
}
DISTRICT_CODE_2021 = {"Hay Essalam": "E2", "Lotissement Al Fadl": "D1"}
ZONE_CODE_2009 = {
    "collective": "B3",
    "mixed": "B3",
    "economic": "E",
    "villa": "D",
    "industrial": "I",
    "agricultural": "RA",
    "medina": "MED",
}
# The green corridor along the wadi is EV too, but grown into larger zones than the
# one-cell public gardens; this key tells them apart while zones are grown.
WADI_GREEN = "EV-wadi"
# Cells per zone when neighbouring cells are grouped, by zone code.
ZONE_SIZE = {
    "E1": 9,
    "E2": 6,
    "B4": 6,
    "B6": 5,
    "ZC": 6,
    "D1": 6,
    "D2": 6,
    WADI_GREEN: 8,
}
ZONE_SIZE_2009 = 14
# Facilities reserved by the 2021 plan, handed out in turn to chosen cells.
FACILITY_CYCLE = ["EC", "M", "EV", "ES", "SP", "EC", "ADM", "EV", "EC", "M"]
# One cell in this many ordinary urban cells becomes a facility or a green space.
FACILITY_EVERY = 14
URBAN_FABRICS = ("collective", "mixed", "economic", "villa")


@dataclasses.dataclass
class Zone:
    """A zone of a zoning layer: a code and the cells it is made of."""

    code: str
    cells: list[Cell]
    district: District
    note_fr: str = ""
    ident: str = ""  # "Z001"…: kept by a zone across the versions of its layer

    def geom(self) -> Polygon | MultiPolygon:
        """The zone's outline: the union of its cells, on the 1 cm grid."""
        return shapely.union_all([c.geom for c in self.cells], grid_size=GRID)


def adjacency(cells: list[Cell]) -> dict[int, list[int]]:
    """Cell index → indexes of the cells sharing a street axis with it."""
    tree = shapely.STRtree([c.geom for c in cells])
    neighbours: dict[int, list[int]] = defaultdict(list)
    for cell in cells:
        for other in tree.query(cell.geom, predicate="touches"):
            other = int(other)
            if other == cell.index:
                continue
            shared = cell.geom.boundary.intersection(cells[other].geom.boundary)
            if shared.length > 1.0:
                neighbours[cell.index].append(other)
    return neighbours


def group_cells(
    cells: list[Cell],
    codes: dict[int, str],
    neighbours: dict[int, list[int]],
    size: dict[str, int],
    default_size: int,
) -> list[Zone]:
    """Grow zones from cells: neighbours of one district and one code, up to a size.

    Breadth-first growth keeps every zone connected through shared street axes.
    """
    zones: list[Zone] = []
    zone_of: dict[int, Zone] = {}
    for cell in cells:
        if cell.index in zone_of:
            continue
        code = codes[cell.index]
        zone = Zone(code=code, cells=[], district=cell.district)
        queue = [cell.index]
        target = size.get(code, default_size)
        while queue and len(zone.cells) < target:
            current = queue.pop(0)
            if current in zone_of:
                continue
            zone.cells.append(cells[current])
            zone_of[current] = zone
            for other in neighbours[current]:
                if (
                    other not in zone_of
                    and codes[other] == code
                    and cells[other].district is cell.district
                ):
                    queue.append(other)
        zones.append(zone)
    # A lone leftover cell joins a neighbouring zone of its code when there is one.
    for zone in list(zones):
        if len(zone.cells) != 1 or size.get(zone.code, default_size) == 1:
            continue
        only = zone.cells[0]
        for other in neighbours[only.index]:
            target = zone_of[other]
            if target is not zone and target.code == zone.code:
                target.cells.append(only)
                zone_of[only.index] = target
                zones.remove(zone)
                break
    return zones


def zoning_2021(cells: list[Cell], rng: np.random.Generator) -> list[Zone]:
    """The approved zoning of 2021: ordinary zones, boulevard frontages, the wadi's
    green corridor, reserved facilities, a tourist zone, the médina."""
    codes: dict[int, str] = {}
    ordinary = []
    for cell in cells:
        fabric = cell.district.fabric
        code = DISTRICT_CODE_2021.get(cell.district.name, ZONE_CODE_2021[fabric])
        if cell.on_wadi:
            code = "NA" if fabric == "agricultural" else WADI_GREEN
        elif cell.on_boulevard and fabric in URBAN_FABRICS:
            code = "B6"
        elif fabric in URBAN_FABRICS and cell.block.area > 1500:
            ordinary.append(cell)
        codes[cell.index] = code
    chosen = sorted(
        rng.choice(len(ordinary), size=len(ordinary) // FACILITY_EVERY, replace=False)
    )
    for turn, position in enumerate(chosen):
        codes[ordinary[position].index] = FACILITY_CYCLE[turn % len(FACILITY_CYCLE)]
    agricultural = [c for c in cells if codes[c.index] == "RA"]
    northmost = max(agricultural, key=lambda c: c.geom.centroid.y)
    codes[northmost.index] = "ZT"
    medina = [c for c in cells if c.district.fabric == "medina"]
    mosque = min(medina, key=lambda c: c.geom.centroid.distance(medina[0].geom))
    codes[mosque.index] = "M"
    sizes = {**ZONE_SIZE, **{code: 1 for code in FACILITY_CYCLE}, "MED": 100}
    zones = group_cells(cells, codes, adjacency(cells), sizes, 4)
    for zone in zones:
        if zone.code == WADI_GREEN:
            zone.code = "EV"
    return sort_zones(zones)


def sort_zones(zones: list[Zone]) -> list[Zone]:
    """Zones in a stable reading order (by code, then north to south, west to
    east), numbered in that order unless they already have their number."""

    def key(zone: Zone) -> tuple:
        point = zone.geom().representative_point()
        return (zone.code, -round(point.y), round(point.x))

    ordered = sorted(zones, key=key)
    taken = {zone.ident for zone in ordered if zone.ident}
    number = len(taken)
    for zone in ordered:
        if not zone.ident:
            number += 1
            zone.ident = f"Z{number:03d}"
    return ordered


def zoning_2023(zones: list[Zone]) -> list[Zone]:
    """Modification no. 1 (2023): three zones change, the rest is unchanged."""
    changed = [dataclasses.replace(zone, cells=list(zone.cells)) for zone in zones]
    villas = max((z for z in changed if z.code == "D2"), key=lambda z: len(z.cells))
    villas.code = "B4"
    villas.note_fr = "Modification n° 1 : reclassement de D2 en B4"
    administration = next(z for z in changed if z.code == "ADM")
    administration.code = "EC"
    administration.note_fr = "Modification n° 1 : site ADM réaffecté à une école"
    farm = next(z for z in changed if z.code == "RA" and len(z.cells) > 1)
    smallest = min(farm.cells, key=lambda cell: cell.geom.area)
    farm.cells.remove(smallest)
    sport = Zone(
        code="SP",
        cells=[smallest],
        district=farm.district,
        note_fr="Modification n° 1 : complexe sportif prélevé sur la zone RA",
    )
    changed.append(sport)
    return sort_zones(changed)


def zoning_2009(cells: list[Cell]) -> list[Zone]:
    """The expired plan of 2009: coarser zones, no reserved facilities."""
    codes = {}
    for cell in cells:
        code = ZONE_CODE_2009[cell.district.fabric]
        if cell.on_wadi:
            code = "NA"
        elif cell.on_boulevard and cell.district.fabric in URBAN_FABRICS:
            code = "B4"
        codes[cell.index] = code
    sizes = {"MED": 100, "NA": 100}
    return sort_zones(
        group_cells(cells, codes, adjacency(cells), sizes, ZONE_SIZE_2009)
    )


# -- parcels -------------------------------------------------------------------------

# How lots are cut, by zone code of the block in the 2021 plan.
LOT_FABRIC = {
    "B4": "collective",
    "B6": "collective",
    "ZC": "mixed",
    "E1": "economic",
    "E2": "economic",
    "D1": "villa",
    "D2": "villa",
    "I": "industrial",
    "RA": "agricultural",
    "NA": "agricultural",
    "ZT": "agricultural",
    "MED": "medina",
}
SMALLEST_LOT_M2 = 40.0
MIN_LOT_DEPTH = 12.0  # shallower blocks are not split into two rows of lots
LAND_REGISTRY_SUFFIXES = ("07", "07", "07", "07", "38")  # the demo's two registries
REQUISITION_SHARE = 0.08


@dataclasses.dataclass
class Lot:
    """A parcel before it gets its land-title reference."""

    geom: Polygon
    district: District


def cut_block(
    block: Polygon, fabric: Fabric, rng: np.random.Generator
) -> list[Polygon]:
    """Cut a block into lots: strips across its long side, back to back when deep.

    Cuts and the block's outline are noded on the 1 cm grid and polygonised, so
    neighbouring lots share their boundary exactly.
    """
    rectangle = block.minimum_rotated_rectangle
    corners = np.array(rectangle.exterior.coords[:4])
    sides = [corners[1] - corners[0], corners[2] - corners[1]]
    long_side, short_side = sorted(sides, key=lambda side: -np.hypot(*side))
    length = float(np.hypot(*long_side))
    depth = float(np.hypot(*short_side))
    along = long_side / length
    across = short_side / depth
    middle = np.array(rectangle.centroid.coords[0])
    reach = length + depth
    cuts = []
    low, high = fabric.lot_width
    position = float(rng.uniform(low, high))
    start = middle - along * length / 2
    # The last lot is never narrower than 60 % of the narrowest lot.
    while position < length - 0.6 * low:
        point = start + along * position
        cuts.append(LineString([point - across * reach, point + across * reach]))
        position += float(rng.uniform(low, high))
    if fabric.rows == 2 and depth > 2 * MIN_LOT_DEPTH:
        cuts.append(LineString([middle - along * reach, middle + along * reach]))
    if not cuts:
        return [block]
    inside = [cut.intersection(block) for cut in cuts]
    noded = shapely.union_all([block.boundary, *inside], grid_size=GRID)
    lots = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    return merge_small_lots(lots)


def merge_small_lots(lots: list[Polygon]) -> list[Polygon]:
    """Join every lot smaller than SMALLEST_LOT_M2 to the neighbour it shares most
    boundary with (corner slivers are not parcels)."""
    lots = sorted(lots, key=lambda lot: lot.area)
    while lots and lots[0].area < SMALLEST_LOT_M2 and len(lots) > 1:
        small = lots.pop(0)
        shared = [small.boundary.intersection(lot.boundary).length for lot in lots]
        best = int(np.argmax(shared))
        if shared[best] < 0.01:
            continue  # an isolated sliver: not a parcel
        lots[best] = shapely.union_all([lots[best], small], grid_size=GRID)
        lots = sorted(lots, key=lambda lot: lot.area)
    return [lot for lot in lots if lot.geom_type == "Polygon"]


def subdivide(
    cells: list[Cell], zones: list[Zone], rng: np.random.Generator
) -> list[Lot]:
    """Lots of every block, cut as the block's zone (2021) suggests."""
    code_of = {cell.index: zone.code for zone in zones for cell in zone.cells}
    lots = []
    for cell in cells:
        fabric_name = LOT_FABRIC.get(code_of[cell.index])
        for block in shapely.get_parts(cell.block):
            if block.area < SMALLEST_LOT_M2:
                continue
            if fabric_name is None:  # facilities, green spaces: one public parcel
                pieces = [block]
            else:
                pieces = cut_block(block, FABRICS[fabric_name], rng)
            lots.extend(Lot(piece, cell.district) for piece in pieces)
    return lots


def registry_records(
    lots: list[Lot], streets: list[Street], rng: np.random.Generator
) -> list[dict]:
    """Land-registry attributes of every lot: reference, official area, address.

    Official areas are what the title deed says: usually within a few per cent of
    the drawn area, sometimes (about 4 %) more than 5 % off.
    """
    count = len(lots)
    title_numbers = rng.choice(np.arange(10000, 99999), size=count, replace=False)
    requisition_numbers = rng.choice(np.arange(1000, 9999), size=count, replace=False)
    addressable = [s for s in streets if s.kind != "wadi"]
    tree = shapely.STRtree([s.geom for s in addressable])
    house_numbers: dict[str, int] = defaultdict(int)
    records = []
    for index, lot in enumerate(lots):
        suffix = LAND_REGISTRY_SUFFIXES[int(rng.integers(len(LAND_REGISTRY_SUFFIXES)))]
        if rng.random() < REQUISITION_SHARE:
            kind, reference = "R", f"R {requisition_numbers[index]}/{suffix}"
        else:
            kind, reference = "TF", f"TF {title_numbers[index]}/{suffix}"
        area = lot.geom.area
        if rng.random() < 0.04:
            error = float(rng.uniform(0.06, 0.15)) * float(rng.choice([-1, 1]))
        else:
            error = float(np.clip(rng.normal(0, 0.012), -0.04, 0.04))
        official = round(area * (1 + error))
        if kind == "R" and rng.random() < 0.25:
            official = None  # requisition not yet surveyed
        street = addressable[int(tree.nearest(lot.geom.centroid))]
        house_numbers[street.name] += 1
        number = house_numbers[street.name]
        if lot.district.fabric == "agricultural":
            address = f"Lot n° {number}, {street.name}, {lot.district.name}"
        else:
            address = f"{number}, {street.name}, {lot.district.name}"
        records.append(
            {
                "reference": reference,
                "kind": kind,
                "official_area_m2": official,
                "address": f"{address}, Oued Zahra (fictive)",
            }
        )
    return records


# -- overlays ------------------------------------------------------------------------

FACILITIES = {
    "EC": ("École", "مدرسة", "Ministère de l'Éducation nationale"),
    "ES": ("Centre de santé", "مركز صحي", "Ministère de la Santé"),
    "M": ("Mosquée", "مسجد", "Ministère des Habous et des Affaires islamiques"),
    "SP": ("Terrain de sport", "ملعب رياضي", "Commune"),
    "ADM": ("Équipement administratif", "مرفق إداري", "Commune"),
    "P": ("Parking public", "موقف عمومي للسيارات", "Commune"),
}
# Streets to widen (by the plan's alignment decree) to this right-of-way, in metres.
WIDENED_STREET_COUNT = 5
WIDENED_STREET_WIDTH = 20.0
BOULEVARD_PLANNED_WIDTH = 40.0


def reserved_sites(
    cells: list[Cell], zones: list[Zone], rng: np.random.Generator
) -> list[dict]:
    """Sites reserved for public facilities: the blocks of facility zones, and a
    few parking lots taken inside apartment-building zones."""
    features = []
    numbers: dict[str, int] = defaultdict(int)
    facility_zones = [z for z in zones if z.code in FACILITIES]
    collective = [c for z in zones if z.code == "B4" for c in z.cells]
    parking = [
        collective[int(i)]
        for i in sorted(rng.choice(len(collective), 3, replace=False))
    ]
    sites = [(z.code, z.cells[0]) for z in facility_zones] + [("P", c) for c in parking]
    for code, cell in sites:
        if cell.block.is_empty:
            continue
        numbers[code] += 1
        label_fr, label_ar, beneficiary = FACILITIES[code]
        features.append(
            {
                "geom": cell.block,
                "id": f"{code}-{numbers[code]}",
                "code": f"{code}-{numbers[code]}",
                "label_fr": f"{label_fr} n° {numbers[code]}",
                "label_ar": f"{label_ar} رقم {numbers[code]}",
                "category": "equipment",
                "beneficiary": beneficiary,
            }
        )
    return features


def road_alignments(frame: list[Street], widened: list[Street]) -> list[dict]:
    """The alignment plan: axes of the arterial roads and of streets to widen."""
    features = []
    planned = [s for s in frame if s.kind in ("boulevard", "avenue")] + widened
    for number, street in enumerate(planned, start=1):
        width = street.width
        if street.kind == "boulevard":
            width = BOULEVARD_PLANNED_WIDTH
        elif street in widened:
            width = WIDENED_STREET_WIDTH
        features.append(
            {
                "geom": street.geom,
                "id": f"V-{number}",
                "code": f"V-{number}",
                "label_fr": f"{street.name} : emprise {width:g} m",
                "label_ar": f"تصفيف الطريق V-{number}: عرض {width:g} م",
                "category": "road",
                "width_m": width,
            }
        )
    return features


def road_widenings(
    frame: list[Street], widened: list[Street], territory: Polygon
) -> list[dict]:
    """Strips of land taken to widen boulevards and some streets."""
    features = []
    boulevards = [s for s in frame if s.kind == "boulevard"]
    targets = [(s, BOULEVARD_PLANNED_WIDTH) for s in boulevards] + [
        (s, WIDENED_STREET_WIDTH) for s in widened
    ]
    for number, (street, width) in enumerate(targets, start=1):
        strip = street.geom.buffer(width / 2, cap_style="flat").difference(
            street.geom.buffer(street.width / 2, cap_style="flat")
        )
        strip = shapely.set_precision(strip.intersection(territory), GRID)
        features.append(
            {
                "geom": strip,
                "id": f"EL-{number}",
                "code": f"EL-{number}",
                "label_fr": (
                    f"Élargissement de {street.name} de {street.width:g} à {width:g} m"
                ),
                "label_ar": (
                    f"توسيع الطريق EL-{number} من {street.width:g} إلى {width:g} م"
                ),
                "category": "road",
                "width_m": width,
            }
        )
    return features


def heritage(medina: Polygon) -> list[dict]:
    """The protection perimeter around the old core and its walls."""
    perimeter = shapely.set_precision(medina.buffer(35).simplify(2), GRID)
    return [
        {
            "geom": perimeter,
            "id": "PP-1",
            "code": "PP-1",
            "label_fr": "Périmètre de protection de la médina",
            "label_ar": "مدار حماية المدينة العتيقة",
            "category": "heritage",
        }
    ]


def flood_risk(frame: list[Street], territory: Polygon) -> list[dict]:
    """Flood-prone land along the wadi: a high-hazard band and a wider one."""
    wadi = next(s.geom for s in frame if s.kind == "wadi")
    high = wadi.buffer(45).intersection(territory)
    medium = wadi.buffer(120).intersection(territory).difference(high)
    levels = [
        ("ZI-1", high, "Zone inondable de l'oued Zahra : aléa fort", "خطر مرتفع"),
        ("ZI-2", medium, "Zone inondable de l'oued Zahra : aléa moyen", "خطر متوسط"),
    ]
    return [
        {
            "geom": shapely.set_precision(geom, GRID),
            "id": code,
            "code": code,
            "label_fr": label_fr,
            "label_ar": f"منطقة معرضة للفيضانات بواد الزهرة: {hazard}",
            "category": "risk",
        }
        for code, geom, label_fr, hazard in levels
    ]


# -- regulation ----------------------------------------------------------------------

PARKING_HOUSING = (
    "Une place par logement et une place par 50 m² de commerces ou de bureaux, "
    "à l'intérieur de la parcelle.",
    "موقف واحد لكل مسكن وموقف لكل 50 م² من المحلات التجارية أو المكاتب داخل القطعة.",
)
PARKING_VILLA = (
    "Deux places par villa, à l'intérieur de la parcelle.",
    "موقفان لكل فيلا داخل القطعة.",
)
PARKING_ACTIVITY = (
    "Une place par 100 m² de plancher et les aires de manœuvre des poids lourds.",
    "موقف لكل 100 م² من المساحة المغطاة ومساحات مناورة الشاحنات.",
)
PARKING_FACILITY = (
    "Selon les besoins de l'équipement, à l'intérieur du site.",
    "حسب حاجيات المرفق داخل الموقع.",
)


def decimal(value: float) -> str:
    """A number as Moroccan regulations write it: "17,5", "2,4", "60"."""
    return f"{value:g}".replace(".", ",")


def building_rule(
    code: str,
    label: tuple[str, str],
    category: str,
    uses: tuple[list[str], list[str]],
    floors: int,
    cos: float,
    ces: float,
    plot: tuple[int, float],
    setbacks: tuple[float, float, float],
    parking: tuple[str, str],
    articles: str,
) -> dict:
    """A zone rule with its regulation excerpt written from its figures."""
    height = round(4.0 + 3.5 * floors, 2)
    first_article = articles.split("–")[0].strip()
    level = "R" if floors == 0 else f"R+{floors}"
    excerpt_fr = (
        f"Article {first_article} — La hauteur des constructions ne peut dépasser "
        f"{decimal(height)} m ({level}). Le coefficient d'occupation du sol (COS) "
        f"est fixé à {decimal(cos)} et le coefficient d'emprise au sol (CES) à "
        f"{decimal(ces)} %. Toute parcelle constructible doit avoir au moins "
        f"{plot[0]} m² et {decimal(plot[1])} m de façade. "
        + (
            f"Recul sur voie : {decimal(setbacks[0])} m."
            if setbacks[0]
            else "Les constructions sont édifiées à l'alignement des voies."
        )
    )
    excerpt_ar = (
        f"المادة {first_article} — لا يمكن أن يتجاوز علو البنايات "
        f"{decimal(height)} م ({level}). "
        f"حدد معامل استعمال الأرض (COS) في {decimal(cos)} ونسبة احتلال الأرض (CES) "
        f"في {decimal(ces)} %. "
        f"يجب أن لا تقل مساحة القطعة القابلة للبناء عن {plot[0]} م² وواجهتها عن "
        f"{decimal(plot[1])} م. "
        + (
            f"التراجع عن الطريق: {decimal(setbacks[0])} م."
            if setbacks[0]
            else "تشيد البنايات على حد الطرق."
        )
    )
    return {
        "code": code,
        "label_fr": label[0],
        "label_ar": label[1],
        "category": category,
        "allowed_uses": uses[0],
        "forbidden_uses": uses[1],
        "max_height_m": height,
        "floors_above_ground": floors,
        "cos": cos,
        "ces": ces,
        "min_plot_area_m2": plot[0],
        "min_frontage_m": plot[1],
        "setback_road_m": setbacks[0],
        "setback_side_m": setbacks[1],
        "setback_rear_m": setbacks[2],
        "parking_fr": parking[0],
        "parking_ar": parking[1],
        "articles": f"Art. {articles}",
        "citations": [ZONING_ARTICLE, PERMIT_ARTICLE],
        "excerpt_fr": excerpt_fr,
        "excerpt_ar": excerpt_ar,
    }


def open_rule(
    code: str,
    label: tuple[str, str],
    category: str,
    uses: tuple[list[str], list[str]],
    excerpt: tuple[str, str],
    articles: str,
    floors: int | None = None,
    parking: tuple[str, str] = ("", ""),
) -> dict:
    """A zone rule for facilities and open land, where the text says it all."""
    return {
        "code": code,
        "label_fr": label[0],
        "label_ar": label[1],
        "category": category,
        "allowed_uses": uses[0],
        "forbidden_uses": uses[1],
        "max_height_m": None if floors is None else round(4.0 + 3.5 * floors, 2),
        "floors_above_ground": floors,
        "cos": None,
        "ces": None,
        "min_plot_area_m2": None,
        "min_frontage_m": None,
        "setback_road_m": None,
        "setback_side_m": None,
        "setback_rear_m": None,
        "parking_fr": parking[0],
        "parking_ar": parking[1],
        "articles": f"Art. {articles}",
        "citations": [ZONING_ARTICLE],
        "excerpt_fr": excerpt[0],
        "excerpt_ar": excerpt[1],
    }


# The articles of the law the rules cite (data/demo-library): the plan's
# zones by use (law 12-90, art. 19), the building permit (art. 40).
ZONING_ARTICLE = "loi-12-90:art-19"
PERMIT_ARTICLE = "loi-12-90:art-40"

HOUSING = ["housing", "retail", "offices", "crafts"]
NUISANCES = ["industry", "warehouses", "polluting"]


def facility_rule(code: str, articles: str) -> dict:
    """The rule of a site reserved for a public facility."""
    label_fr, label_ar, beneficiary = FACILITIES[code]
    return open_rule(
        code,
        (
            f"Équipement public réservé : {label_fr.lower()}",
            f"مرفق عمومي مخصص: {label_ar}",
        ),
        "equipment",
        (["facilities"], ["housing", *NUISANCES]),
        (
            f"Article {articles.split('–')[0].strip()} — Terrain réservé à : "
            f"{label_fr.lower()} ({beneficiary}). Toute autre construction y est "
            "interdite pendant la durée de validité du plan.",
            f"المادة {articles.split('–')[0].strip()} — أرض مخصصة لـ{label_ar}. "
            "يمنع فيها كل بناء آخر طيلة مدة صلاحية التصميم.",
        ),
        articles,
        floors=2,
        parking=PARKING_FACILITY,
    )


def rules_2021() -> list[dict]:
    """Every zone code of the 2021 plan and what its regulation says."""
    return [
        building_rule(
            "B4",
            ("Zone d'immeubles R+4", "منطقة العمارات R+4"),
            "collective_housing",
            (HOUSING, NUISANCES),
            4,
            2.4,
            60,
            (250, 12),
            (0, 0, 6),
            PARKING_HOUSING,
            "12–15",
        ),
        building_rule(
            "B6",
            (
                "Zone d'immeubles R+6 sur boulevards",
                "منطقة العمارات R+6 على طول الشوارع الرئيسية",
            ),
            "collective_housing",
            ([*HOUSING, "hotels"], NUISANCES),
            6,
            3.5,
            60,
            (400, 16),
            (0, 0, 8),
            PARKING_HOUSING,
            "16–19",
        ),
        building_rule(
            "ZC",
            ("Zone centrale mixte R+5", "المنطقة المركزية المختلطة R+5"),
            "mixed",
            ([*HOUSING, "hotels", "facilities"], ["industry", "polluting"]),
            5,
            3.0,
            70,
            (300, 14),
            (0, 0, 6),
            PARKING_HOUSING,
            "8–11",
        ),
        building_rule(
            "E1",
            ("Zone d'habitat économique R+2", "منطقة السكن الاقتصادي R+2"),
            "economic_housing",
            (["housing", "retail", "crafts"], NUISANCES),
            2,
            2.4,
            80,
            (80, 8),
            (0, 0, 0),
            ("Non exigé.", "غير مطلوب."),
            "20–23",
        ),
        building_rule(
            "E2",
            ("Zone d'habitat économique R+3", "منطقة السكن الاقتصادي R+3"),
            "economic_housing",
            (["housing", "retail", "crafts"], NUISANCES),
            3,
            3.0,
            75,
            (100, 9),
            (0, 0, 0),
            ("Non exigé.", "غير مطلوب."),
            "24–27",
        ),
        building_rule(
            "D1",
            ("Zone de villas isolées", "منطقة الفيلات المنفردة"),
            "villa",
            (["housing"], ["retail", *NUISANCES]),
            1,
            0.5,
            30,
            (500, 20),
            (5, 4, 4),
            PARKING_VILLA,
            "28–31",
        ),
        building_rule(
            "D2",
            ("Zone de villas jumelées", "منطقة الفيلات المزدوجة"),
            "villa",
            (["housing"], ["retail", *NUISANCES]),
            1,
            0.6,
            35,
            (300, 15),
            (4, 3, 4),
            PARKING_VILLA,
            "32–35",
        ),
        building_rule(
            "I",
            ("Zone industrielle", "المنطقة الصناعية"),
            "industrial",
            (["industry", "warehouses", "crafts", "offices"], ["housing"]),
            2,
            1.2,
            60,
            (1000, 25),
            (8, 5, 5),
            PARKING_ACTIVITY,
            "36–40",
        ),
        building_rule(
            "MED",
            ("Zone de la médina (tissu traditionnel)", "منطقة المدينة العتيقة"),
            "mixed",
            (["housing", "retail", "crafts", "hotels"], NUISANCES),
            2,
            2.0,
            90,
            (60, 5),
            (0, 0, 0),
            ("Non exigé.", "غير مطلوب."),
            "5–7",
        ),
        building_rule(
            "ZT",
            ("Zone touristique", "المنطقة السياحية"),
            "tourism",
            (["hotels", "leisure"], ["housing", *NUISANCES]),
            2,
            0.3,
            15,
            (5000, 50),
            (10, 8, 8),
            PARKING_ACTIVITY,
            "41–43",
        ),
        open_rule(
            "RA",
            ("Zone agricole", "المنطقة الفلاحية"),
            "agricultural",
            (["agriculture"], ["housing", "retail", *NUISANCES]),
            (
                "Article 44 — Seules sont admises les constructions nécessaires à "
                "l'exploitation agricole, sur une parcelle d'au moins 2 hectares, "
                "avec un COS de 0,02.",
                "المادة 44 — لا يسمح إلا بالبنايات الضرورية للاستغلال الفلاحي فوق قطعة "
                "لا تقل مساحتها عن هكتارين وبمعامل استغلال 0,02.",
            ),
            "44–46",
            floors=1,
        ),
        open_rule(
            "NA",
            ("Zone naturelle à protéger (oued)", "منطقة طبيعية محمية (الوادي)"),
            "natural",
            (["agriculture"], ["housing", "retail", *NUISANCES]),
            (
                "Article 47 — Zone inconstructible : berges et lit majeur de l'oued "
                "Zahra. Seuls les aménagements de protection sont admis.",
                "المادة 47 — منطقة غير قابلة للبناء: ضفاف ومجرى واد الزهرة. "
                "لا يسمح إلا بأشغال الحماية.",
            ),
            "47",
        ),
        open_rule(
            "EV",
            ("Espace vert public", "مساحة خضراء عمومية"),
            "green_space",
            (["leisure"], ["housing", "retail", *NUISANCES]),
            (
                "Article 48 — Espaces verts, jardins et places publiques : seuls les "
                "kiosques et équipements légers de loisirs y sont admis.",
                "المادة 48 — المساحات الخضراء والحدائق والساحات العمومية: لا يسمح إلا "
                "بالأكشاك والتجهيزات الخفيفة للترفيه.",
            ),
            "48",
        ),
        facility_rule("EC", "50–51"),
        facility_rule("ES", "52"),
        facility_rule("M", "53"),
        facility_rule("SP", "54"),
        facility_rule("ADM", "55"),
    ]


def rules_2009() -> list[dict]:
    """The zone codes of the expired 2009 plan (fewer, lower, looser)."""
    return [
        building_rule(
            "B3",
            ("Zone d'immeubles R+3", "منطقة العمارات R+3"),
            "collective_housing",
            (HOUSING, NUISANCES),
            3,
            1.8,
            60,
            (200, 10),
            (0, 0, 6),
            PARKING_HOUSING,
            "10–13",
        ),
        building_rule(
            "B4",
            ("Zone d'immeubles R+4", "منطقة العمارات R+4"),
            "collective_housing",
            (HOUSING, NUISANCES),
            4,
            2.2,
            60,
            (250, 12),
            (0, 0, 6),
            PARKING_HOUSING,
            "14–17",
        ),
        building_rule(
            "E",
            ("Zone d'habitat économique", "منطقة السكن الاقتصادي"),
            "economic_housing",
            (["housing", "retail", "crafts"], NUISANCES),
            2,
            2.2,
            80,
            (70, 7),
            (0, 0, 0),
            ("Non exigé.", "غير مطلوب."),
            "18–20",
        ),
        building_rule(
            "D",
            ("Zone de villas", "منطقة الفيلات"),
            "villa",
            (["housing"], ["retail", *NUISANCES]),
            1,
            0.5,
            35,
            (400, 18),
            (5, 4, 4),
            PARKING_VILLA,
            "21–23",
        ),
        building_rule(
            "I",
            ("Zone industrielle", "المنطقة الصناعية"),
            "industrial",
            (["industry", "warehouses", "crafts"], ["housing"]),
            1,
            1.0,
            60,
            (1000, 25),
            (8, 5, 5),
            PARKING_ACTIVITY,
            "24–26",
        ),
        building_rule(
            "MED",
            ("Zone de la médina", "منطقة المدينة العتيقة"),
            "mixed",
            (["housing", "retail", "crafts"], NUISANCES),
            2,
            2.0,
            90,
            (60, 5),
            (0, 0, 0),
            ("Non exigé.", "غير مطلوب."),
            "6–9",
        ),
        open_rule(
            "RA",
            ("Zone agricole", "المنطقة الفلاحية"),
            "agricultural",
            (["agriculture"], ["housing", "retail", *NUISANCES]),
            (
                "Article 27 — Constructions agricoles seulement, "
                "sur 1 hectare au moins.",
                "المادة 27 — البنايات الفلاحية فقط فوق هكتار واحد على الأقل.",
            ),
            "27",
            floors=1,
        ),
        open_rule(
            "NA",
            ("Zone naturelle (oued)", "منطقة طبيعية (الوادي)"),
            "natural",
            (["agriculture"], ["housing", "retail", *NUISANCES]),
            (
                "Article 28 — Zone inconstructible le long de l'oued Zahra.",
                "المادة 28 — منطقة غير قابلة للبناء على طول واد الزهرة.",
            ),
            "28",
        ),
    ]


# -- output --------------------------------------------------------------------------

AGENCY = {
    "code": "demo-rabat",
    "name_fr": "Agence urbaine de démonstration — Oued Zahra (fictive)",
    "name_ar": "الوكالة الحضرية التجريبية — واد الزهرة (وهمية)",
    "name_en": "Demonstration urban agency — Oued Zahra (fictional)",
    "srid": SRID,
    "note_prefix": "AUDM",
}
# Morocco's legal time (UTC+1) at midnight of the date the act took effect.
PLAN_2021 = {
    "reference": "PA-OZ-2021",
    "kind": "pa",
    "title_fr": "Plan d'aménagement de la commune de Oued Zahra (fictive)",
    "title_ar": "تصميم تهيئة جماعة واد الزهرة (وهمية)",
    "status": "approved",
    "approval_act": "Décret n° 2.21.000 (fictif)",
    "approval_date": "2021-05-20",
    "bulletin_reference": "BO n° 0000 du 10 juin 2021 (fictif)",
    "effective_date": "2021-06-10",
    "expiry_date": "2031-06-10",
}
PLAN_2009 = {
    "reference": "PA-OZ-2009",
    "kind": "pa",
    "title_fr": "Plan d'aménagement de Oued Zahra (fictive), 2009 — expiré",
    "title_ar": "تصميم تهيئة واد الزهرة (وهمية)، 2009 — منتهي الصلاحية",
    "status": "expired",
    "approval_act": "Décret n° 2.09.000 (fictif)",
    "approval_date": "2009-03-02",
    "bulletin_reference": "BO n° 0000 du 16 avril 2009 (fictif)",
    "effective_date": "2009-04-16",
    "expiry_date": "2019-04-16",
}
PUBLISHED_2021 = "2021-06-10T00:00:00+01:00"
PUBLISHED_2023 = "2023-09-14T00:00:00+01:00"
PUBLISHED_2009 = "2009-04-16T00:00:00+01:00"
# Reference data (streets, neighbourhoods) published by the agency, in force
# from the first plan on and never expiring: bearings at any date asked.
REFERENCE_DATA = {
    "reference": "REF-OZ",
    "kind": "reference",
    "title_fr": "Référentiel de Oued Zahra (fictif) : rues et quartiers",
    "title_ar": "المرجع الخرائطي لواد الزهرة (وهمي): الشوارع والأحياء",
    "status": "approved",
    "approval_act": "",
    "approval_date": "2009-04-16",
    "bulletin_reference": "",
    "effective_date": "2009-04-16",
    "expiry_date": None,
}


# -- bearings: street and neighbourhood names in Arabic ---------------------------

# Street types and the proper names of the demo's streets and neighbourhoods in
# Arabic, as Moroccan street plates write them.
STREET_TYPES_AR = {
    "Boulevard": "شارع",
    "Avenue": "شارع",
    "Rocade": "الطريق الدائري",
    "Rue": "زنقة",
    "Derb": "درب",
    "Chemin rural": "الطريق القروية",
}
NAMES_AR = {
    "Al Wahda": "الوحدة",
    "de l'Industrie": "الصناعة",
    "Al Massira": "المسيرة",
    "de la Médina": "المدينة القديمة",
    "Lablida": "البليدة",
    "Lihoud": "ليهود",
    "Sidi Ahmed": "سيدي أحمد",
    "Sqaya": "السقاية",
    "Zitoune": "الزيتون",
    "Ennakhil": "النخيل",
    "Al Amal": "الأمل",
    "Al Farabi": "الفارابي",
    "Al Fath": "الفتح",
    "Al Houria": "الحرية",
    "Al Istiqlal": "الاستقلال",
    "Al Mansour Eddahbi": "المنصور الذهبي",
    "Al Massira Al Khadra": "المسيرة الخضراء",
    "Al Moukawama": "المقاومة",
    "Al Qods": "القدس",
    "Al Wifaq": "الوفاق",
    "Allal Ben Abdellah": "علال بن عبد الله",
    "Annasr": "النصر",
    "Essalam": "السلام",
    "Ibn Khaldoun": "ابن خلدون",
    "Ibn Rochd": "ابن رشد",
    "Ibn Sina": "ابن سينا",
    "Tarik Ibn Ziad": "طارق بن زياد",
    "de Cordoue": "قرطبة",
    "de Grenade": "غرناطة",
    "de Séville": "إشبيلية",
    "des Artisans": "الصناع التقليديين",
    "des Bougainvilliers": "الجهنمية",
    "des Glycines": "الوستارية",
    "des Jasmins": "الياسمين",
    "des Lauriers": "الغار",
    "des Mimosas": "الميموزا",
    "des Orangers": "البرتقال",
    "des Palmiers": "النخيل",
    "des Roses": "الورود",
    "du Commerce": "التجارة",
}
NEIGHBOURHOODS_AR = {
    "Hay Al Amal": "حي الأمل",
    "Hay Ennakhil": "حي النخيل",
    "Lotissement Les Jardins": "تجزئة الحدائق",
    "Quartier industriel Sidi Bouzid": "الحي الصناعي سيدي بوزيد",
    "Hay Al Wahda": "حي الوحدة",
    "Hay Al Andalous": "حي الأندلس",
    "Centre": "وسط المدينة",
    "Douar Oulad Zahra": "دوار أولاد الزهرة",
    "Hay Essalam": "حي السلام",
    "Lotissement Al Fadl": "تجزئة الفضل",
    "Médina": "المدينة القديمة",
}
_NUMBERED = re.compile(r"^(?P<type>Rue|Chemin rural) n° (?P<number>\d+)$")
_REPEATED = re.compile(r"^(?P<name>.*\D) (?P<number>\d+)$")


def street_name_ar(name: str) -> str:
    """The Arabic name of a demo street: its type, then its proper name or
    number ("Rue n° 12" → "زنقة رقم 12", "Derb Sqaya 2" → "درب السقاية 2")."""
    numbered = _NUMBERED.match(name)
    if numbered:
        kind = STREET_TYPES_AR[numbered["type"]]
        return f"{kind} رقم {numbered['number']}"
    repeated = _REPEATED.match(name)
    if repeated:
        return f"{street_name_ar(repeated['name'])} {repeated['number']}"
    for kind in sorted(STREET_TYPES_AR, key=len, reverse=True):
        if name.startswith(kind + " "):
            proper = name[len(kind) + 1 :]
            return f"{STREET_TYPES_AR[kind]} {NAMES_AR[proper]}"
    raise KeyError(name)


def reference_streets(streets: list[Street]) -> list[dict]:
    """Named street axes (the wadi is no street), in French and Arabic."""
    return [
        {
            "geom": s.geom,
            "label_fr": s.name,
            "label_ar": street_name_ar(s.name),
            "category": s.kind,
        }
        for s in streets
        if s.kind != "wadi"
    ]


def reference_neighbourhoods(
    town: Town, territory: Polygon, medina: Polygon, frame: list[Street]
) -> list[dict]:
    """The districts as neighbourhoods: the pieces of the territory between the
    frame's axes that each district owns, joined, in the order of DISTRICTS;
    the médina is its walled core."""
    owned: dict[str, list[Polygon]] = {}
    for district, piece in town.districts(territory, medina, frame):
        owned.setdefault(district.name, []).append(piece)
    neighbourhoods = []
    for district in DISTRICTS:
        if district.fabric == "medina":
            geom = medina
        elif district.name in owned:
            geom = shapely.union_all(owned[district.name], grid_size=GRID)
            geom = geom.difference(medina, grid_size=GRID)
        else:
            continue
        neighbourhoods.append(
            {
                "geom": geom,
                "id": slug(district.name),
                "label_fr": district.name,
                "label_ar": NEIGHBOURHOODS_AR[district.name],
                "category": district.fabric,
            }
        )
    return neighbourhoods


def slug(text: str) -> str:
    """A plain ASCII identifier of a name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")


def rounded(value):
    """Coordinates of a GeoJSON geometry rounded to the centimetre."""
    if isinstance(value, (list, tuple)):
        return [rounded(item) for item in value]
    return round(float(value), 2)


def as_multi(geom):
    """Polygons as MultiPolygon and lines as MultiLineString: one type per layer."""
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, LineString):
        return MultiLineString([geom])
    if geom.geom_type == "GeometryCollection":
        polygons = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
        return MultiPolygon(polygons)
    return geom


def write_collection(path: Path, name: str, features: list[dict]) -> str:
    """Write features (dicts with "geom") as GeoJSON in EPSG:26191; return SHA-256."""
    lines = []
    for feature in features:
        properties = {k: v for k, v in feature.items() if k != "geom"}
        geometry = mapping(as_multi(feature["geom"]))
        geometry = {
            "type": geometry["type"],
            "coordinates": rounded(geometry["coordinates"]),
        }
        record = {"type": "Feature", "properties": properties, "geometry": geometry}
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    header = json.dumps(
        {"type": "FeatureCollection", "name": name, "crs": CRS},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    text = header[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()


def zone_features(zones: list[Zone], rules: list[dict]) -> list[dict]:
    """Zones as features, with the label and category of their code's rule."""
    by_code = {rule["code"]: rule for rule in rules}
    features = []
    for zone in zones:
        rule = by_code[zone.code]
        feature = {
            "geom": zone.geom(),
            "id": zone.ident,
            "code": zone.code,
            "label_fr": rule["label_fr"],
            "label_ar": rule["label_ar"],
            "category": rule["category"],
            "secteur": zone.district.name,
        }
        if zone.note_fr:
            feature["modification"] = zone.note_fr
        features.append(feature)
    return features


def layer_entry(name, title_fr, title_ar, overlay_type, geometry_type, versions):
    """One layer of the manifest."""
    return {
        "name": name,
        "title_fr": title_fr,
        "title_ar": title_ar,
        "kind": "overlay" if overlay_type else "zoning",
        "overlay_type": overlay_type,
        "geometry_type": geometry_type,
        "versions": versions,
    }


def generate(out: Path) -> dict:
    """Build the town and write every file into ``out``; return the manifest."""
    town = Town()
    territory, medina, streets, cells, frame = build_cells(town)
    zones_2021 = zoning_2021(cells, town.rng)
    zones_2023 = zoning_2023(zones_2021)
    zones_2009 = zoning_2009(cells)
    lots = subdivide(cells, zones_2021, town.rng)
    records = registry_records(lots, streets, town.rng)
    grid = [s for s in streets if s.kind == "street" and s.geom.length > 300]
    widened = sorted(grid, key=lambda s: -s.geom.length)[:WIDENED_STREET_COUNT]

    write_collection(
        out / "territory.geojson",
        "territory",
        [
            {
                "geom": territory,
                "id": "commune",
                "name_fr": COMMUNE_FR,
                "name_ar": COMMUNE_AR,
            }
        ],
    )
    write_collection(
        out / "streets.geojson",
        "streets",
        [
            {"geom": s.geom, "name": s.name, "kind": s.kind, "width_m": s.width}
            for s in streets
        ],
    )
    write_collection(
        out / "parcels.geojson",
        "parcels",
        [
            {"geom": lot.geom, **record}
            for lot, record in zip(lots, records, strict=True)
        ],
    )
    plan = out / "pa-2021"
    write_collection(
        plan / "zonage-v1.geojson", "zonage", zone_features(zones_2021, rules_2021())
    )
    write_collection(
        plan / "zonage-v2.geojson", "zonage", zone_features(zones_2023, rules_2021())
    )
    write_collection(
        plan / "alignements.geojson", "alignements", road_alignments(frame, widened)
    )
    write_collection(
        plan / "elargissements.geojson",
        "elargissements",
        road_widenings(frame, widened, territory),
    )
    write_collection(
        plan / "equipements.geojson",
        "equipements",
        reserved_sites(cells, zones_2021, town.rng),
    )
    write_collection(plan / "patrimoine.geojson", "patrimoine", heritage(medina))
    write_collection(
        plan / "inondation.geojson", "inondation", flood_risk(frame, territory)
    )
    write_collection(
        out / "pa-2009" / "zonage.geojson",
        "zonage",
        zone_features(zones_2009, rules_2009()),
    )

    bearings = out / "reference"
    write_collection(bearings / "rues.geojson", "rues", reference_streets(streets))
    write_collection(
        bearings / "quartiers.geojson",
        "quartiers",
        reference_neighbourhoods(town, territory, medina, frame),
    )

    def version(path: str, at: str, comment: str) -> dict:
        return {"file": path, "published_at": at, "comment": comment}

    approval = "Plan approuvé (version d'approbation)"
    manifest = {
        "comment": "Fictional demo data written by data/demo/generate.py; do not edit.",
        "agency": {**AGENCY, "territory": "territory.geojson"},
        "parcels": "parcels.geojson",
        "parcel_count": len(lots),
        "streets": "streets.geojson",
        "documents": [
            {
                **PLAN_2009,
                "perimeter": "territory.geojson",
                "rules": rules_2009(),
                "layers": [
                    layer_entry(
                        "zonage",
                        "Zonage",
                        "التنطيق",
                        "",
                        "polygon",
                        [version("pa-2009/zonage.geojson", PUBLISHED_2009, approval)],
                    )
                ],
            },
            {
                **PLAN_2021,
                "perimeter": "territory.geojson",
                "rules": rules_2021(),
                "layers": [
                    layer_entry(
                        "zonage",
                        "Zonage",
                        "التنطيق",
                        "",
                        "polygon",
                        [
                            version(
                                "pa-2021/zonage-v1.geojson", PUBLISHED_2021, approval
                            ),
                            version(
                                "pa-2021/zonage-v2.geojson",
                                PUBLISHED_2023,
                                "Modification n° 1 (2023) : trois zones changent",
                            ),
                        ],
                    ),
                    layer_entry(
                        "alignements",
                        "Alignements des voies",
                        "تصفيف الطرق",
                        "road_alignment",
                        "line",
                        [
                            version(
                                "pa-2021/alignements.geojson", PUBLISHED_2021, approval
                            )
                        ],
                    ),
                    layer_entry(
                        "elargissements",
                        "Élargissements de voies",
                        "توسيع الطرق",
                        "road_widening",
                        "polygon",
                        [
                            version(
                                "pa-2021/elargissements.geojson",
                                PUBLISHED_2021,
                                approval,
                            )
                        ],
                    ),
                    layer_entry(
                        "equipements",
                        "Équipements publics réservés",
                        "المرافق العمومية المخصصة",
                        "reserved_site",
                        "polygon",
                        [
                            version(
                                "pa-2021/equipements.geojson", PUBLISHED_2021, approval
                            )
                        ],
                    ),
                    layer_entry(
                        "patrimoine",
                        "Protection du patrimoine",
                        "حماية التراث",
                        "heritage",
                        "polygon",
                        [
                            version(
                                "pa-2021/patrimoine.geojson", PUBLISHED_2021, approval
                            )
                        ],
                    ),
                    layer_entry(
                        "inondation",
                        "Zones inondables",
                        "المناطق المعرضة للفيضانات",
                        "risk",
                        "polygon",
                        [
                            version(
                                "pa-2021/inondation.geojson", PUBLISHED_2021, approval
                            )
                        ],
                    ),
                ],
            },
            {
                **REFERENCE_DATA,
                "perimeter": "territory.geojson",
                "rules": [],
                "layers": [
                    {
                        "name": name,
                        "title_fr": title_fr,
                        "title_ar": title_ar,
                        "kind": "reference",
                        "reference_type": reference_type,
                        "overlay_type": "",
                        "geometry_type": geometry_type,
                        "versions": [
                            version(
                                f"reference/{name}.geojson",
                                PUBLISHED_2009,
                                "Référentiel de l'agence",
                            )
                        ],
                    }
                    for name, title_fr, title_ar, reference_type, geometry_type in (
                        (
                            "quartiers",
                            "Quartiers",
                            "الأحياء",
                            "neighbourhood",
                            "polygon",
                        ),
                        ("rues", "Rues", "الشوارع والأزقة", "street", "line"),
                    )
                ],
            },
        ],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    (out / "demo.json").write_text(text, encoding="utf-8")
    return manifest


def main() -> None:
    """Write the demo data into the folder given as argument, else data/demo/."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    manifest = generate(out)
    print(f"Demo data written to {out} ({len(manifest['documents'])} documents).")


if __name__ == "__main__":
    main()
