"""Published layers as files: GeoPackage, GeoJSON, zipped shapefile and CSV.

``params`` parses a download request once (format, CRS, as-of instant or
version number); ``selection`` finds the version the reader may have
(``accounts.permissions`` and ``layers.in_force``); ``formats`` is the registry
of output formats, one small class each; ``writer`` streams the version's
features out of PostGIS in batches and writes them with GDAL (pyogrio) into a
temporary folder, which is gone before the first byte is sent.
"""
