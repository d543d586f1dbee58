"""A queue worker takes what it holds after its first batch out of the garbage collector's sight,
once: later batches' objects stay collectable (jobs/worker_gc.py): the jobs and the uploads workers."""
import gc

import pytest

from chalicelib.jobs import dispatch, imports, worker_gc


@pytest.mark.parametrize("handle", [dispatch.handle, imports.handle], ids=["jobs", "uploads"])
def test_the_first_batch_freezes_what_the_worker_holds_and_later_ones_do_not(monkeypatch, handle):
    gc.unfreeze()
    monkeypatch.setattr(worker_gc, "_frozen", False)
    try:
        assert handle([]) == {"batchItemFailures": []}
        frozen = gc.get_freeze_count()
        assert frozen > 0
        later = [[] for _ in range(1000)]  # objects made after the first batch
        assert handle([]) == {"batchItemFailures": []}
        # not frozen again: the later lists would add 1,000 (frozen objects freed meanwhile only lower it)
        assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def test_the_uploads_worker_collects_its_youngest_objects_less_often(monkeypatch):
    monkeypatch.setattr(worker_gc, "_frozen", True)
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, *before[1:])
        assert imports.handle([]) == {"batchItemFailures": []}
        assert gc.get_threshold() == (worker_gc.YOUNG_PASS_EVERY, *before[1:])
    finally:
        gc.set_threshold(*before)
