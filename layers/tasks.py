"""Background imports with Django's task framework (django-tasks-db backend).

An upload is stored with an ImportJob; small ones are imported at once, large
ones queued for ``manage.py db_worker``. The worker writes its progress through
a separate autocommit connection, because the import itself runs in one long
transaction whose writes nobody sees before it commits.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from django.tasks import task
from django.utils.translation import gettext as _

from layers.importing.errors import ImportRefused
from layers.importing.pipeline import ImportOptions
from layers.models import ImportJob, Layer
from layers.services import layer_import

logger = logging.getLogger(__name__)


_PROGRESS_SQL = (
    "UPDATE layers_importjob SET done = %s, total = %s, updated_at = now() "
    "WHERE id = %s"
)


class _ProgressWriter:
    """Writes ``done``/``total`` of a job outside the import's transaction."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        params = {
            key: value
            for key, value in connection.get_connection_params().items()
            if key not in {"cursor_factory", "context", "prepare_threshold"}
        }
        self.connection = psycopg.connect(**params, autocommit=True)

    def __call__(self, done: int, total: int | None) -> None:
        self.connection.execute(_PROGRESS_SQL, [done, total, self.job_id])

    def close(self) -> None:
        self.connection.close()


def import_job_run(job: ImportJob) -> ImportJob:
    """Import the job's upload; record the draft made, or why none was.

    An ImportRefused is the planner's to fix: it is recorded, not raised. Any
    other failure is recorded and raised again, for the worker's log.
    """
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    progress = _ProgressWriter(job.pk)
    try:
        with tempfile.TemporaryDirectory(prefix="geoportail-job-") as workdir:
            path = Path(workdir) / Path(job.upload_name).name
            with job.upload.open("rb") as source, path.open("wb") as target:
                shutil.copyfileobj(source, target)
            version = layer_import(
                layer=job.layer,
                path=path,
                user=job.created_by,
                options=ImportOptions.from_dict(job.options),
                source_name=job.upload_name,
                progress=progress,
            )
    except ImportRefused as exc:
        job.status, job.error, job.error_code = (
            ImportJob.Status.FAILED,
            exc.message,
            exc.code,
        )
        job.save(update_fields=["status", "error", "error_code", "updated_at"])
        return job
    except Exception:
        job.status = ImportJob.Status.FAILED
        job.error = _("The import failed unexpectedly; the administrators are told.")
        job.error_code = "internal_error"
        job.save(update_fields=["status", "error", "error_code", "updated_at"])
        raise
    finally:
        progress.close()
    job.refresh_from_db(fields=["done", "total"])
    job.status, job.version = ImportJob.Status.DONE, version
    job.done = version.feature_count
    job.save(update_fields=["status", "version", "done", "updated_at"])
    job.upload.delete(save=False)  # the version keeps the original
    return job


@task
def layer_import_task(job_id: int) -> int | None:
    """Run the import job ``job_id``; return the id of the draft version."""
    job = ImportJob.objects.select_related("layer__document__agency").get(pk=job_id)
    job = import_job_run(job)
    return job.version_id


def import_in_background(*, size: int, asked: bool | str | None = None) -> bool:
    """Whether an upload of ``size`` bytes is imported by the worker."""
    if asked is not None and str(asked).lower() not in {"", "0", "false", "no"}:
        return True
    return size > settings.GEOPORTAIL_INLINE_IMPORT_BYTES


def import_start(
    *,
    layer: Layer,
    upload,
    user=None,
    options: ImportOptions,
    background: bool | str | None = None,
) -> ImportJob:
    """Store ``upload`` as an ImportJob and import it now or in the background.

    Uploads larger than GEOPORTAIL_INLINE_IMPORT_BYTES (or when ``background``
    is asked for) are queued; the job is returned either way.
    """
    job = ImportJob(
        layer=layer,
        upload_name=Path(upload.name).name[:255],
        options=options.as_dict(),
        created_by=user,
        total=None,
    )
    job.upload.save(job.upload_name, upload, save=False)
    job.save()
    if import_in_background(size=upload.size, asked=background):
        result = layer_import_task.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
        job.refresh_from_db()
        return job
    return import_job_run(job)
