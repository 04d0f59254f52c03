from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from geoportal import openapi, public_files, views, webapp

handler500 = "geoportal.views.server_error"

admin.site.site_header = _("Geoportail — administration")
admin.site.site_title = _("Geoportail")

urlpatterns = [
    # The machine APIs first: the most frequent requests resolve in fewest steps.
    path("", include("ows.urls")),
    path("", include("tiles.urls")),
    path("api/v1/openapi.json", openapi.openapi_json, name="openapi_json"),
    path("api/v1/docs", openapi.openapi_docs, name="openapi_docs"),
    # Before notes: /verify/<code> and /verify/keys, then notes' /verify/<token>.
    path("", include("documents.urls")),
    path("", include("notes.urls")),
    path("", include("payments.urls")),
    path("", include("permits.urls")),
    path("", include("permits.staff_urls")),
    path("", include("viewer.urls")),
    path("", include("layers.urls")),
    path("", include("accounts.urls")),
    path("", include("parcels.urls")),
    path("", include("library.urls")),
    path("", include("tenders.urls")),
    path("", include("requete.urls")),
    path("", include("requete.citizen_urls")),
    path("", include("requete.staff_urls")),
    path("", include("geoportal.parcel_urls")),
    path("healthz", views.healthz, name="healthz"),
    # Stored files, whatever the storage, to whoever may read them.
    path(
        f"{settings.MEDIA_URL.lstrip('/')}<path:name>",
        public_files.stored_file,
        name="stored_file",
    ),
    path(
        "manifest-<str:language>.webmanifest",
        webapp.webmanifest,
        name="webmanifest",
    ),
    path("service-worker.js", webapp.service_worker, name="service_worker"),
    path("offline", webapp.offline_page, name="offline"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = views.bad_request
handler404 = views.page_not_found
