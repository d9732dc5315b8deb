"""Benchmarks for `make bench`: each ``bench_*.py`` module has ``main()`` and prints its own table."""
