"""A queue worker's garbage collection: what it holds for life is taken out of the collector's sight;
the uploads worker also collects its youngest objects less often."""
import gc

_frozen = False


def freeze_once() -> None:
    """After its first batch a worker holds what it keeps for life (modules, botocore's service
    models, its clients): taken out of the garbage collector's sight, so that its full passes stop
    walking them (they were 0.16 ms of CPU per recurring occurrence, and 0.4 ms per imported
    invoice of 20 lines, bench/README.md). Once only, after one full pass: the collector never
    frees what is frozen."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


# An import's objects (rows, Decimals, items) are freed by their counts: the youngest generation's
# pass, by default every 700 allocations, found next to nothing and took 4-9 % of an uploads
# worker's CPU (0.12-0.27 s per 800 invoices of 20 lines; 0.05 s at 7,000).
YOUNG_PASS_EVERY = 7000


def collect_young_less_often() -> None:
    """The youngest generation collected every YOUNG_PASS_EVERY allocations (the older ones as before)."""
    gc.set_threshold(YOUNG_PASS_EVERY, *gc.get_threshold()[1:])
