"""OGC services for GIS clients: WMS 1.3.0/1.1.1 and WFS 2.0.0/1.1.0.

Endpoints (``ows/urls.py``): ``/ows`` (SERVICE chooses), ``/wms`` and ``/wfs``
(aliases) and ``/ows/<agency>/`` (that agency's layers only).

One request flow: ``views`` parse the KVP (or the XML body) once into
``params.OwsRequest`` → ``registry`` finds the service, negotiates the version
and picks the operation's handler → one module per operation (``wms/…``,
``wfs/…``) → ``exceptions`` writes every ``GeoportalError`` (the OGC ones,
``OwsError``, and those of shared code) as the service's exception report.

- ``catalog``: which layers a request may see, named ``<agency>:<doc>-<layer>``.
- ``crs``: CRS names, SRIDs and axis order.
- ``render`` and ``styles``: the map renderer (PostGIS + skia + libpng).
- ``filters/fes``: FES 2.0 / Filter 1.1 → parameterised SQL.
- ``wfs/sql``: the SQL of WFS queries; ``formats/``: GML, GeoJSON, feature info.
"""
