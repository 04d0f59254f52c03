"""Reading a planner's upload into validated records: one module per concern.

This package sits below the domain: it imports only ``core`` and third-party
libraries, never a model, and takes what it needs of the domain as plain
values (a layer's kind, an agency's CRS and territory). ``layers`` and
``parcels`` call it and store what it gives.

``sandbox`` locks GDAL down, ``archive`` unpacks uploads safely, ``readers``
reads every supported format through GDAL in batches, ``encoding`` and ``crs``
work out how to read them, ``mapping`` maps attributes onto zone codes and
rules (with the domain's words from ``vocabulary``), ``plan`` ties these into
what a planner confirms, ``geometry`` checks each batch, ``load`` turns batches
into rows and records what they say, ``issues`` gathers the report and
``report`` puts it in words; ``coverage`` measures a zoning cheaply and
``polygons`` reads a territory or a perimeter.
"""
