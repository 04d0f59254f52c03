from django.urls import path

from permits import staff

app_name = "permits_staff"

urlpatterns = [
    path("permits/staff/", staff.files, name="files"),
    path("permits/staff/files/new", staff.file_new, name="file_new"),
    path("permits/staff/files/<int:pk>", staff.file_detail, name="file"),
    path("permits/staff/sessions/new", staff.session_new, name="session_new"),
    path("permits/staff/sessions/<int:pk>", staff.session_detail, name="session"),
    path("permits/staff/import", staff.import_page, name="import"),
]
