"""Run by Debian's /usr/bin/python3 (PyQGIS): QGIS's WFS and WMS providers
against a live server. Prints a JSON report; the test judges it.

    python3 qgis_client.py <base url> <layer name>
"""

import json
import os
import sys

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize

url, name = sys.argv[1], sys.argv[2]
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
report = {}
for version in ("2.0.0", "1.1.0"):
    uri = (
        f"url='{url}/ows' typename='{name}' version='{version}' "
        "srsname='EPSG:4326' pagingEnabled='true' pageSize='10'"
    )
    layer = QgsVectorLayer(uri, f"wfs {version}", "WFS")
    features = list(layer.getFeatures()) if layer.isValid() else []
    report[version] = {
        "valid": layer.isValid(),
        "count": len(features),
        "fields": [field.name() for field in layer.fields()],
        "codes": sorted(str(f["source_id"]) for f in features),
        "extent": [
            layer.extent().xMinimum(),
            layer.extent().yMinimum(),
            layer.extent().xMaximum(),
            layer.extent().yMaximum(),
        ],
    }
wms = QgsRasterLayer(
    f"crs=EPSG:4326&format=image/png&layers={name}&styles=&url={url}/ows",
    "wms",
    "wms",
)
painted = 0
if wms.isValid():
    settings = QgsMapSettings()
    settings.setLayers([wms])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    settings.setExtent(wms.extent())
    settings.setOutputSize(QSize(128, 128))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    for x in range(0, 128, 8):
        for y in range(0, 128, 8):
            if image.pixelColor(x, y).alpha() > 0:
                painted += 1
report["wms"] = {"valid": wms.isValid(), "painted": painted, "samples": 256}
print(json.dumps(report), flush=True)
# Tearing PyQGIS down crashes in some builds once the report is out: leave.
os._exit(0)
