"""Background imports with Django's task framework (django-tasks-db backend).

An upload is stored with an ImportJob; small ones are imported at once, large
ones queued for the worker (``manage.py import_worker``). The worker writes its
progress and a heartbeat through a separate autocommit connection, because the
import itself runs in one long transaction whose writes nobody sees before it
commits. A job whose heartbeat stopped lost its worker: ``import_jobs_reap``
fails it, and ``import_job_retry`` queues it again.
"""

from __future__ import annotations

import datetime
import logging
import shutil
import tempfile
import threading
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.tasks import TaskResultStatus, task
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from core.db import own_connection, own_connection_params
from core.errors import Conflict
from importing.errors import ImportRefused
from importing.plan import ImportOptions
from layers.models import INTERRUPTED_MESSAGE, ImportJob, Layer
from layers.services import layer_import

logger = logging.getLogger(__name__)


_PROGRESS_SQL = (
    "UPDATE layers_importjob SET done = %s, total = %s, updated_at = now(), "
    "heartbeat_at = now() WHERE id = %s"
)
_HEARTBEAT_SQL = "UPDATE layers_importjob SET heartbeat_at = now() WHERE id = %s"


class ImportInterrupted(Exception):
    """Recorded on the task of an import whose worker stopped mid-way."""


class ImportNotRetryable(Conflict):
    """The job is not a failed import that running again could fix."""

    code = "not_retryable"


def import_lease() -> datetime.timedelta:
    """How long a running job may go without a heartbeat before it is failed."""
    return datetime.timedelta(seconds=settings.GEOPORTAIL_IMPORT_LEASE_SECONDS)


class _ProgressWriter:
    """Writes ``done``/``total`` of a job outside the import's transaction,
    and a heartbeat every quarter of the lease from a thread of its own (a
    step of an import may read for minutes without reporting progress)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.connection = own_connection(own_connection_params())
        self.stopped = threading.Event()
        self.heart = threading.Thread(
            target=self._beat,
            args=(import_lease().total_seconds() / 4,),
            name=f"import-{job_id}-heartbeat",
            daemon=True,
        )
        self.heart.start()

    def __call__(self, done: int, total: int | None) -> None:
        self.connection.execute(_PROGRESS_SQL, [done, total, self.job_id])

    def _beat(self, every: float) -> None:
        while not self.stopped.wait(every):
            try:
                self.connection.execute(_HEARTBEAT_SQL, [self.job_id])
            except psycopg.Error:
                # The job then outlives its lease and is failed as
                # interrupted, which is the truth if its import cannot
                # reach the database either.
                logger.warning("import %s: no heartbeat written", self.job_id)
                return

    def close(self) -> None:
        self.stopped.set()
        self.heart.join()
        self.connection.close()


def import_job_run(job: ImportJob) -> ImportJob:
    """Import the job's upload; record the draft made, or why none was.

    An ImportRefused is the planner's to fix: it is recorded, not raised. Any
    other failure is recorded and raised again, for the worker's log. When the
    import ends, the stored upload is removed from the media folder: a draft
    keeps its own copy (``source_file``), a refused upload is kept nowhere. Only
    an import that failed unexpectedly keeps it, for the planner's retry
    (``import_job_retry``), which removes it when it ends in turn.
    """
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=Now()
    )
    progress = _ProgressWriter(job.pk)
    fields = ["status", "error", "error_code", "upload", "updated_at"]
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
            str(exc.message),
            exc.code,
        )
        return job
    except PermissionDenied as exc:
        # The planner lost the right to change the layer (moved to another
        # agency, deactivated) while the import waited: a refusal, not a bug.
        job.status, job.error, job.error_code = (
            ImportJob.Status.FAILED,
            str(exc),
            "permission_denied",
        )
        return job
    except Exception:
        job.status = ImportJob.Status.FAILED
        job.error = _("The import failed unexpectedly; the administrators are told.")
        job.error_code = ImportJob.INTERNAL_ERROR
        raise
    else:
        job.refresh_from_db(fields=["done", "total"])
        job.status, job.version = ImportJob.Status.DONE, version
        job.done = version.feature_count
        fields += ["version", "done"]
        return job
    finally:
        progress.close()
        if not job.retryable:
            job.upload.delete(save=False)
        job.save(update_fields=fields)


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


def import_jobs_reap(*, lease: datetime.timedelta | None = None) -> list[int]:
    """Fail the running imports whose worker stopped giving signs of life.

    A job still ``running`` with a heartbeat older than ``lease`` (default:
    GEOPORTAIL_IMPORT_LEASE_SECONDS) lost its worker — killed, or cut off from
    the database. It is failed as ``interrupted`` (the planner may retry it),
    and its task result too, so that nothing waits for it. Returns the ids of
    the jobs failed. Jobs locked by a live transaction are left alone.

    The cutoff is the database's time, which wrote the heartbeats: a worker
    on a node whose clock runs a lease ahead would fail live imports.
    """
    cutoff = Now() - (lease or import_lease())
    with translation.override(settings.LANGUAGE_CODE):
        message = str(INTERRUPTED_MESSAGE)
    with transaction.atomic():
        jobs = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(status=ImportJob.Status.RUNNING)
            .filter(
                Q(heartbeat_at__lt=cutoff)
                | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)
            )
            .only("pk", "task_id", "upload_name")
        )
        if not jobs:
            return []
        ImportJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
            status=ImportJob.Status.FAILED,
            error=message,
            error_code=ImportJob.INTERRUPTED,
            updated_at=Now(),
        )
        DBTaskResult.objects.running().filter(
            id__in=[job.task_id for job in jobs if job.task_id]
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{__name__}.ImportInterrupted",
            traceback=message,
        )
    for job in jobs:
        logger.warning("import %s (%s) was interrupted", job.pk, job.upload_name)
    return [job.pk for job in jobs]


def task_results_prune() -> int:
    """Delete the results of the tasks that finished more than
    ``GEOPORTAIL_TASK_RESULTS_DAYS`` ago; return how many. Every import,
    receipt and base map leaves one row in django-tasks-db's table, which
    nothing reads once its task ended (the jobs keep their own status): a
    national portal queues thousands a day."""
    cutoff = timezone.now() - datetime.timedelta(
        days=settings.GEOPORTAIL_TASK_RESULTS_DAYS
    )
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def import_job_retry(*, job: ImportJob) -> ImportJob:
    """Queue a failed import again from its stored upload; return the job.

    Raises ImportNotRetryable unless the job failed for a reason that is not
    the file's (interrupted, or an unexpected error) and still has its upload.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.retryable:
            raise ImportNotRetryable(
                _(
                    "Only an import that was interrupted or failed unexpectedly "
                    "can be retried; import the file again."
                )
            )
        job.status, job.error, job.error_code = ImportJob.Status.QUEUED, "", ""
        job.done, job.total, job.heartbeat_at, job.version = 0, None, None, None
        job.save()
    # Queued once the job is saved: a task backend that runs it at once
    # must find it queued, and unlocked.
    result = layer_import_task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job
