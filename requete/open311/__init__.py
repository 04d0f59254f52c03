"""Open311 GeoReport v2 over requête-e (http://wiki.open311.org/GeoReport_v2).

A thin layer over ``requete.services`` and ``requete.selectors``: the
parameters parsed once (``params``), the answers written as the
specification names them, in JSON or XML (``answers``), one view per method
(``views``). An agency is a jurisdiction (``jurisdiction_id`` = its code),
its active kinds of request are the services.
"""
