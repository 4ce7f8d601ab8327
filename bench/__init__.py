"""IG Portal benchmarks (issue 10): run with make bench."""


def is_scratch_database(name: str) -> bool:
    """Whether a benchmark may drop and re-create the database ``name``.

    Its name must say it is a benchmark's: it starts with ``igportal_bench``, or one of its
    underscore-separated words is ``bench`` (``speed_bench``, ``speed_bench_small``), so that
    several engineers can each keep their own on one server and none is ever real data.
    """
    return name.startswith("igportal_bench") or "bench" in name.split("_")
