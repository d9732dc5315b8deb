"""The synthetic twin: how long its first use takes, and how close it is to real HAM10000.

Makes the default twin (700 images of 600 x 450 pixels, seed 0) in an empty cache, as a
student's first notebook run does, and times it. Then, for each measurement of
``coursekit.data.synthetic.REAL_REFERENCE`` (taken on 277 real HAM10000 images), prints the
twin's adjusted Rand index beside the real one, their difference and PASS (within
``TOLERANCE``) or FAIL -- with k-means seeded 0, as the real figures were, and the range
over k-means seeds 0-4 -- then each site's mean colour and spread beside the real ones.
Exits 1 if a row fails.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

CLUSTER_SEEDS = range(5)


def _ari_table(synthetic, root) -> str:
    import pandas as pd

    tables = [synthetic.calibration_table(root, random_state=seed) for seed in CLUSTER_SEEDS]
    first = tables[0]
    twins = pd.concat([table["twin"] for table in tables], axis=1)
    low, high = twins.min(axis=1), twins.max(axis=1)
    lines = [f"{'measure [sample, images]':<64} {'target':<9} {'twin':>6} {'real':>6} {'diff':>6}  "
             f"{'seeds 0-4':<13} {'result'}"]  # fmt: skip
    for i, row in first.iterrows():
        real = "" if pd.isna(row["real"]) else f"{row['real']:6.3f}"
        diff = "" if not real else f"{row['difference']:+6.3f}"
        verdict = "" if not real else ("PASS" if row["within"] else "FAIL")
        measure = f"{row['measure']} [{row['sample']}, {row['n_images']}]"
        lines.append(f"{measure:<64} {row['target']:<9} {row['twin']:6.3f} {real:>6} {diff:>6}  "
                     f"[{low[i]:.2f}, {high[i]:.2f}]  {verdict}")  # fmt: skip
    return "\n".join(lines), bool(first["within"].all())


def _colour_table(synthetic, root) -> str:
    from coursekit.data import load_ham10000

    images, metadata = load_ham10000(root, size=(64, 64), progress=False)
    colours = synthetic.site_colours(images, metadata)
    lines = [f"{'site':<14} {'n':>4}  {'twin mean RGB':<16} {'real mean RGB':<16} "
             f"{'twin sd':<14} {'real sd':<14}"]  # fmt: skip
    for site, row in colours.iterrows():
        mean = "({:.0f}, {:.0f}, {:.0f})".format(*row[["mean_r", "mean_g", "mean_b"]])
        sd = "({:.0f}, {:.0f}, {:.0f})".format(*row[["sd_r", "sd_g", "sd_b"]])
        real_mean, real_sd = synthetic.REAL_SITE_COLOURS[site]
        lines.append(f"{site:<14} {int(row['n_images']):>4}  {mean:<16} {str(real_mean):<16} "
                     f"{sd:<14} {str(real_sd):<14}")  # fmt: skip
    return "\n".join(lines)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["COURSEKIT_CACHE"] = tmp
        os.environ.pop("COURSEKIT_DATA", None)
        from coursekit.data import dataset, synthetic

        start = time.perf_counter()
        root = dataset.synthetic_root()
        seconds = time.perf_counter() - start
        height, width = dataset.SYNTHETIC_SIZE
        print(f"first use: made the synthetic twin ({dataset.SYNTHETIC_N_IMAGES} images of "
              f"{width} x {height} pixels, version {synthetic.TWIN_VERSION}) in {seconds:.1f} s "
              f"on {os.cpu_count()} cores\n")  # fmt: skip
        table, passed = _ari_table(synthetic, root)
        print("adjusted Rand index of k-means clusters against the site and the diagnosis "
              f"(64 x 64 images; twin: k-means seed 0; PASS: within {synthetic.TOLERANCE} of "
              "real)")  # fmt: skip
        print(table)
        print("\nmean colour and spread (0-255) over all pixels of each site's images, 64 x 64")
        print(_colour_table(synthetic, root))
    print("\nall rows PASS" if passed else "\nsome rows FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
