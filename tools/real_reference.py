"""Recompute the real-image reference table (``coursekit.data.reference.REAL_REFERENCE``).

For an instructor with HAM10000 on disk: loads every image of the copy in FOLDER at 64 x 64
pixels, clusters colour histograms, raw pixels and LBP texture with k-means over SEEDS seeds
(and, for the balanced sample, SEEDS random samples of at most 40 images per diagnosis), and
prints each figure's seed-0 value, mean, range and chance band (from at least 1,000 shuffled
clusterings) against the image source and the diagnosis, beside the figures stored in the kit.
The table it prints is how the stored figures were made (coursekit issues 11 and 20: 277
real images, 30 seeds). It runs on the synthetic twin too (``coursekit data synth DIR``).

Usage::

    python tools/real_reference.py FOLDER [--seeds 30] [--csv table.csv]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cell(value) -> str:
    return "" if value != value else f"{value:.3f}"  # NaN -> empty


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a HAM10000 copy (real or synthetic twin)")
    parser.add_argument("--seeds", type=int, default=30, help="k-means seeds (30)")
    parser.add_argument("--shuffles", type=int, default=1000, help="shuffles per row (1000)")
    parser.add_argument("--csv", type=Path, help="also write the table to this CSV file")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.shuffles < 1:
        parser.error("--seeds and --shuffles must be at least 1")

    from threadpoolctl import threadpool_limits

    from coursekit.data import DatasetError
    from coursekit.data.reference import REAL_REFERENCE, reference_table

    try:
        with threadpool_limits(limits=1):  # many small k-means fits: one thread each is quicker
            table = reference_table(args.folder, seeds=args.seeds, n_shuffles=args.shuffles)
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    stored = {(f.measure, f.target, f.score): f for f in REAL_REFERENCE}
    print(f"{args.folder}: k-means over {args.seeds} seeds; chance band = 2.5th-97.5th "
          "percentile of shuffled clusterings")  # fmt: skip
    print(f"{'measure':<48} {'target':<9} {'score':<5} {'n':>4} {'seed 0':>7} {'mean':>7} "
          f"{'min':>7} {'max':>7} {'chance band':>16}  {'stored mean (seeds)':<20} verdict")
    for _, row in table.iterrows():
        figure = stored.get((row["measure"], row["target"], row["score"]))
        kept = "" if figure is None else f"{figure.mean:.3f} ({figure.n_seeds})"
        band = f"{_cell(row['chance_low'])} to {_cell(row['chance_high'])}"
        print(f"{row['measure']:<48} {row['target']:<9} {row['score']:<5} {row['n_images']:>4} "
              f"{_cell(row['seed0']):>7} {_cell(row['mean']):>7} {_cell(row['min']):>7} "
              f"{_cell(row['max']):>7} {band:>16}  {kept:<20} {row['verdict']}")
    if args.csv:
        table.to_csv(args.csv, index=False)
        print(f"written: {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
