"""apps.core.db.Grouped: concurrent calls share one write (group commit)."""

import threading
import time

import pytest

from apps.core.db import Grouped


class _Writes:
    def __init__(self, fail_on=None):
        self.batches, self.fail_on = [], fail_on

    def __call__(self, items):
        self.batches.append(list(items))
        time.sleep(0.02)  # a statement and its commit
        if self.fail_on in items and len(items) > 1:
            raise RuntimeError("the shared write failed")
        if items == [self.fail_on]:
            raise ValueError(f"bad item {self.fail_on}")
        return [item * 10 for item in items]


def _call_together(grouped, items):
    results, errors, start = {}, {}, threading.Barrier(len(items))

    def call(item):
        start.wait()
        try:
            results[item] = grouped(item)
        except Exception as failed:  # noqa: BLE001
            errors[item] = failed

    threads = [threading.Thread(target=call, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return results, errors


def test_it_writes_callers_who_arrive_together_in_fewer_writes():
    writes = _Writes()
    results, errors = _call_together(Grouped(writes), list(range(1, 21)))
    assert errors == {}
    assert results == {item: item * 10 for item in range(1, 21)}
    assert sorted(i for batch in writes.batches for i in batch) == list(range(1, 21))
    assert len(writes.batches) < 20 and max(map(len, writes.batches)) > 1


def test_it_writes_a_lone_caller_at_once():
    writes = _Writes()
    grouped = Grouped(writes)
    assert [grouped(1), grouped(2)] == [10, 20]
    assert writes.batches == [[1], [2]]


def test_it_fails_only_the_bad_item_of_a_shared_write():
    writes = _Writes(fail_on=7)
    results, errors = _call_together(Grouped(writes), list(range(1, 13)))
    assert set(errors) == {7} and isinstance(errors[7], ValueError)
    assert results == {item: item * 10 for item in range(1, 13) if item != 7}


def test_it_keeps_batches_to_the_most_it_may_write():
    writes = _Writes()
    results, _errors = _call_together(Grouped(writes, most=3), list(range(1, 16)))
    assert len(results) == 15 and max(map(len, writes.batches)) <= 3


@pytest.mark.django_db
def test_it_writes_on_its_own_inside_a_transaction():
    writes = _Writes()
    assert Grouped(writes)(4) == 40 and writes.batches == [[4]]
