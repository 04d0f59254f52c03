"""What a layer import does with the database; the reading is ``importing``'s.

``draft`` streams a planned upload into a draft version, ``loader`` writes its
rows with COPY (and copies a version's features on restore), ``topology``
checks the zoning's overlaps and gaps in PostGIS. ``layers.services`` and
``layers.tasks`` call them inside the import's transaction.
"""
