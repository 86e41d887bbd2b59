"""Benchmarks at scale: each figure measured beside its own baseline, in the same run
on the same machine, so that the ratios survive a noisy machine. ``python -m bench --help``."""
