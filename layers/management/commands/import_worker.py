"""manage.py import_worker: the background worker, made to outlive the database.

django-tasks-db's ``db_worker`` exits on the first error of its own queries,
so a database restart used to stop background imports for good. This worker
takes the same options and, when the database cannot be reached, closes its
connections and tries again with a growing pause (1 s doubling up to 30 s)
instead of exiting. At start and then every half lease it fails the running
imports whose heartbeat stopped (``layers.tasks.import_jobs_reap``) — the
ones a killed worker left behind — and takes the queue from where it was;
then it deletes the results of tasks finished long ago
(``layers.tasks.task_results_prune``).
"""

from __future__ import annotations

import logging
import os
import random
import time

from django.core.management.base import CommandError
from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from core.db import connections_drop_dead, database_unavailable
from layers.tasks import import_jobs_reap, import_lease, task_results_prune

logger = logging.getLogger("django_tasks_db")
# Outages are the operator's business whatever the verbosity asked for.
outage_logger = logging.getLogger(__name__)

FIRST_PAUSE = 1.0  # seconds before trying the database again
LONGEST_PAUSE = 30.0


class Worker(db_worker.Worker):
    """``db_worker``'s worker, with database outages waited out and stale
    imports failed."""

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s",
            self.worker_id,
            ",".join(self.queue_names),
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreads workers' starts
        pause, next_reap = FIRST_PAUSE, 0.0
        while self.running:
            try:
                if time.monotonic() >= next_reap:
                    import_jobs_reap()
                    task_results_prune()
                    next_reap = time.monotonic() + import_lease().total_seconds() / 2
                if self.step():
                    return
            except Exception as error:
                if not database_unavailable(error):
                    raise
                self.running_task = False
                connections.close_all()
                outage_logger.warning(
                    "The database cannot be reached (%s); trying again in %.0f s.",
                    str(error).strip().splitlines()[0] if str(error) else error,
                    pause,
                )
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
            else:
                pause = FIRST_PAUSE

    def step(self) -> bool:
        """Claim and run one task (or wait ``interval``); whether to stop."""
        close_old_connections()
        connections_drop_dead()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        retrieved = True
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                retrieved, task_result = False, None
        if task_result is not None:
            self.run_task(task_result)
        if self.batch and retrieved and task_result is None:
            logger.info("No more tasks to run for worker_id=%s.", self.worker_id)
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info(
                "Ran %d tasks on worker_id=%s.", self._run_tasks, self.worker_id
            )
            return True
        close_old_connections()
        if self.running and not task_result:
            time.sleep(self.interval)
        return False


class Command(db_worker.Command):
    help = (
        "Run the background worker (imports, paid orders' documents); it waits "
        "out database outages and fails imports whose worker stopped."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        reload: bool,
        batch: bool,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
