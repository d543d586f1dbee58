"""A queue worker takes what it holds after its first batch out of the garbage collector's sight,
once: later batches' objects stay collectable (jobs/dispatch.py)."""
import gc

from chalicelib.jobs import dispatch


def test_the_first_batch_freezes_what_the_worker_holds_and_later_ones_do_not(monkeypatch):
    gc.unfreeze()
    monkeypatch.setattr(dispatch, "_frozen", False)
    try:
        assert dispatch.handle([]) == {"batchItemFailures": []}
        frozen = gc.get_freeze_count()
        assert frozen > 0
        later = [[] for _ in range(1000)]  # objects made after the first batch
        assert dispatch.handle([]) == {"batchItemFailures": []}
        assert gc.get_freeze_count() == frozen and gc.is_tracked(later[0])
    finally:
        gc.unfreeze()
