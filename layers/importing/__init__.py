"""Importing vector files as layer versions: one module per concern.

``archive`` unpacks uploads safely, ``readers`` reads every supported format
through GDAL in batches, ``encoding`` and ``crs`` work out how to read them,
``mapping`` maps attributes onto zone codes and rules, ``validation`` builds the
report, ``loader`` copies features into PostGIS and ``pipeline`` ties it together.
"""
