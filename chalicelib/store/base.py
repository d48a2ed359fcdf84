"""The single table, its indexes, and the write helpers every model uses.

Keys start with what a request already knows (tenant, then kind), so every list is one Query.
Design notes:
- one table, a discriminator attribute ``kind``, four generic GSIs (``gsiNpk``/``gsiNsk``);
  each entity fills the indexes its access patterns need (see ``store/README.md``);
- one botocore session for every model (pynamodb would build one per model class);
- invariants live in conditional writes: :func:`create` puts the item with ``attribute_not_exists``,
  claims uniqueness items and bumps counters in one transaction.
"""
from __future__ import annotations

import contextlib
import random
import time
from typing import Callable, Iterable, Sequence as Seq

import pynamodb.connection.base as _pynamodb_base
from pynamodb.attributes import (DiscriminatorAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute,
                                 VersionAttribute)
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, PynamoDBConnectionError, TransactWriteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, Unavailable
from chalicelib.core.logging import logger

_pynamodb_base.get_session = aws.botocore_session  # share one session across all models

STORE_UNAVAILABLE = "the store is unavailable, retry later"
_pynamodb_call = Connection._make_api_call


def _call_or_unavailable(self, operation_name, operation_kwargs):
    """Every DynamoDB call of every model: a throttled or unreachable table is :class:`Unavailable` (a clean,
    retryable 503 in each surface's envelope), not a pynamodb error that reaches a handler as a 500.
    Conditional-check failures and validation errors keep pynamodb's exceptions (callers turn them into
    Conflict or Invalid)."""
    try:
        return _pynamodb_call(self, operation_name, operation_kwargs)
    except Exception as exc:
        if aws.is_transient(exc):
            raise Unavailable(STORE_UNAVAILABLE) from exc
        raise


Connection._make_api_call = _call_or_unavailable


class Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()
    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()
    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Gsi3(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi3"
        projection = AllProjection()
    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class Gsi4(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi4"
        projection = AllProjection()
    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class Entity(Model):
    """Base of every item in the main table."""

    class Meta:
        table_name = settings().table_name
        region = settings().region
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute(attr_name="kind")
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)

    gsi1 = Gsi1()
    gsi2 = Gsi2()
    gsi3 = Gsi3()
    gsi4 = Gsi4()


class Versioned(Entity):
    """Entities edited by concurrent writers carry a version (optimistic locking)."""
    lock_version = VersionAttribute(null=True, attr_name="lv")


class Unique(Entity, discriminator="Unique"):
    """A claimed unique value (``UNIQUE#<scope>#<value>``), written in the same transaction as its owner."""
    owner = UnicodeAttribute(null=True)

    @staticmethod
    def key(scope: str, value: str) -> "Unique":
        return Unique(f"UNIQUE#{scope}#{value}", "U")


class Counter(Entity, discriminator="Counter"):
    """How many items a scope holds, kept in step with creates and deletes (O(1) ``total``)."""
    n = NumberAttribute(default=0)

    @staticmethod
    def key(scope: str) -> "Counter":
        return Counter(f"COUNT#{scope}", "C")

    @staticmethod
    def value(scope: str) -> int:
        try:
            return int(Counter.get(f"COUNT#{scope}", "C").n or 0)
        except Counter.DoesNotExist:
            return 0


class Sequence(Entity, discriminator="Sequence"):
    """A named integer sequence for platforms whose ids are integers."""
    value = NumberAttribute(default=0)

    @staticmethod
    def next(name: str) -> int:
        seq = Sequence(f"SEQ#{name}", "S")
        try:
            seq.update(actions=[Sequence.value.add(1)])
        except (UpdateError, PynamoDBConnectionError) as exc:
            raise Unavailable("the store is unavailable, retry later") from exc
        return int(seq.value)


_connections: dict = {}


def connection() -> Connection:
    """One pynamodb connection per endpoint for transactions (a new one would build a new botocore client)."""
    key = (settings().region, settings().endpoint_url, id(aws.botocore_session()))
    conn = _connections.get(key)
    if conn is None:
        conn = _connections[key] = Connection(region=settings().region, host=settings().endpoint_url)
    return conn


def _is_conflict(exc: Exception) -> bool:
    """A single-item write's condition failed (transactions: :func:`transact` tells conditions from races)."""
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


class Cancelled(Exception):
    """A transaction was cancelled because a condition failed; ``failed``: the indices of those items."""

    def __init__(self, failed: list[int]):
        super().__init__(f"condition failed on transaction item(s) {failed}")
        self.failed = failed


# Cancellation reasons that say "another writer got there first", not "your condition is false": retried.
RACE_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded",
                          "RequestLimitExceeded"})
TRANSACT_ATTEMPTS = 4


def transact(writes: Callable[[TransactWrite], None], *, attempts: int = TRANSACT_ATTEMPTS) -> None:
    """Run the writes ``writes(tx)`` adds to a TransactWriteItems, all or nothing.

    A failed condition raises :class:`Cancelled` (nothing written). A transaction cancelled only because a
    concurrent transaction touched one of its items (DynamoDB's ``TransactionConflict``, e.g. two creates
    bumping one counter) is not the caller's fault: it is run again, up to ``attempts`` times with jittered
    backoff, then :class:`Unavailable` (a retryable 503). Anything else is :class:`Unavailable`.
    """
    for attempt in range(attempts):
        try:
            with TransactWrite(connection=connection()) as tx:
                writes(tx)
            return
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise Unavailable(STORE_UNAVAILABLE) from exc
            codes = [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]
            failed = [i for i, code in enumerate(codes) if code == "ConditionalCheckFailed"]
            races = [code for code in codes if code not in (None, "None", "ConditionalCheckFailed")]
            if failed or not codes:  # no reasons at all: a condition (what older emulators answer)
                raise Cancelled(failed) from exc
            if not set(races) <= RACE_REASONS:  # e.g. ValidationError: a bug of ours, worth a log line
                logger.warning("transaction cancelled", extra={"reasons": codes})
                raise Unavailable(STORE_UNAVAILABLE) from exc
            if attempt + 1 == attempts:
                raise Unavailable(STORE_UNAVAILABLE) from exc
            time.sleep(random.uniform(0.5, 1.5) * 0.02 * 2 ** attempt)  # 20, 40, 80 ms (+-50 %)


def create(item: Entity, *, unique: Iterable[tuple[str, str]] = (), counters: Seq[str] = (),
           conflict: str = "already exists") -> Entity:
    """Put a new item; claim its unique values and bump its counters atomically.

    Raises :class:`Conflict` (with ``conflict`` as message) when the key or a unique value is taken.
    """
    unique = list(unique)
    if not unique and not counters:
        try:
            item.save(condition=Entity.pk.does_not_exist())
        except PutError as exc:
            if _is_conflict(exc):
                raise Conflict(conflict) from exc
            raise Unavailable(STORE_UNAVAILABLE) from exc
        return item

    def writes(tx):
        tx.save(item, condition=Entity.pk.does_not_exist())
        for scope, value in unique:
            tx.save(Unique(f"UNIQUE#{scope}#{value}", "U", owner=f"{item.pk}|{item.sk}"),
                    condition=Entity.pk.does_not_exist())
        for scope in counters:
            tx.update(Counter.key(scope), actions=[Counter.n.add(1)])
    try:
        transact(writes)
    except Cancelled as exc:
        raise Conflict(conflict) from exc
    return item


def delete(item: Entity, *, unique: Iterable[tuple[str, str]] = (), counters: Seq[str] = ()) -> None:
    """Delete an item with its unique claims and counters, atomically; a vanished item is a no-op."""
    unique = list(unique)

    def writes(tx):
        tx.delete(item, condition=Entity.pk.exists())
        for scope, value in unique:
            tx.delete(Unique(f"UNIQUE#{scope}#{value}", "U"))
        for scope in counters:
            tx.update(Counter.key(scope), actions=[Counter.n.add(-1)])
    with contextlib.suppress(Cancelled):
        transact(writes)


def save(item: Entity, *, conflict: str = "the object was changed concurrently, retry") -> Entity:
    """Save an existing item under its version condition (lost updates become :class:`Conflict`)."""
    try:
        item.save()
    except PutError as exc:
        if _is_conflict(exc):
            raise Conflict(conflict) from exc
        raise Unavailable("the store is unavailable, retry later") from exc
    return item


def rename_unique(old: tuple[str, str], new: tuple[str, str], owner: Entity) -> None:
    """Move a unique claim to a new value (e.g. a changed phone number)."""
    if old == new:
        return

    def writes(tx):
        tx.save(Unique(f"UNIQUE#{new[0]}#{new[1]}", "U", owner=f"{owner.pk}|{owner.sk}"),
                condition=Entity.pk.does_not_exist())
        tx.delete(Unique(f"UNIQUE#{old[0]}#{old[1]}", "U"))
    try:
        transact(writes)
    except Cancelled as exc:
        raise Conflict("value already in use") from exc


def claimed_by(model, scope: str, value: str):
    """The item holding the unique value ``(scope, value)`` (the claim's owner, as :func:`create` wrote it)."""
    claim = get(Unique, f"UNIQUE#{scope}#{value}", "U")
    if claim is None or not claim.owner:
        return None
    pk, _, sk = claim.owner.partition("|")
    return get(model, pk, sk)


def get(model, pk: str, sk: str):
    try:
        return model.get(pk, sk)
    except model.DoesNotExist:
        return None
