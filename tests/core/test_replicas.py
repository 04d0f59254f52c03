"""Where reads go without a replica, and inside a transaction (the replicas
themselves: tests/scaling/test_replicas.py)."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, transaction

from core import replicas


def test_without_replicas_every_read_goes_to_the_primary(settings):
    settings.DATABASE_REPLICAS = ()
    assert replicas.request_reads(replica=True) == DEFAULT_DB_ALIAS
    assert replicas.read_alias() == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_of_the_primary_reads_the_primary():
    """It must see what the transaction wrote, which no replica has yet."""
    token = replicas._alias.set("replica_1")
    try:
        assert replicas.read_alias() == "replica_1"
        with transaction.atomic():
            assert replicas.read_alias() == DEFAULT_DB_ALIAS
            assert replicas.ReplicaRouter().db_for_read(None) == DEFAULT_DB_ALIAS
        assert replicas.ReplicaRouter().db_for_write(None) == DEFAULT_DB_ALIAS
    finally:
        replicas._alias.reset(token)


def test_migrations_run_on_the_primary_only():
    router = replicas.ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "layers")
    assert not router.allow_migrate("replica_1", "layers")
