"""The synthetic twin: how long its first use takes, and how close it is to real HAM10000.

Makes the default twin (700 images of 600 x 450 pixels, seed 0) in an empty cache, as a
student's first notebook run does, and times it. Then, for each figure of
``coursekit.data.reference.REAL_REFERENCE`` (taken on 277 real HAM10000 images) -- the site
and the diagnosis effects, in all images and in the balanced sample -- prints the twin's
adjusted Rand index (or AMI), averaged over 30 k-means seeds (and 30 balanced samples) with
its range and chance band, beside the real figure (its mean over 30 seeds where it was
repeated, else its seed-0 value), their difference and PASS (within the row's tolerance,
0.05 where the twin can follow, else 0.10) or FAIL; then each site's mean colour and spread
beside the real ones. Exits 1 if a row fails.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

CLUSTER_SEEDS = 30


def _ari_table(synthetic, root) -> str:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # many small k-means fits: one thread each is quicker
        table = synthetic.calibration_table(root, seeds=CLUSTER_SEEDS)
    lines = [f"{'measure [images]':<54} {'target':<9} {'score':<5} {'twin':>6} "
             f"{'twin range':<15} {'chance to':>9} {'real':>6} {'seeds':>5} {'diff':>6} "
             f"{'tol':>4}  result"]  # fmt: skip
    for _, row in table.iterrows():
        measure = f"{row['measure']} [{row['n_images']}]"
        verdict = "PASS" if row["within"] else "FAIL"
        lines.append(f"{measure:<54} {row['target']:<9} {row['score']:<5} {row['twin']:6.3f} "
                     f"[{row['twin_min']:+.2f}, {row['twin_max']:+.2f}] "
                     f"{row['twin_chance_high']:9.3f} {row['real']:6.3f} "
                     f"{row['real_n_seeds']:>5} {row['difference']:+6.3f} "
                     f"{row['tolerance']:4.2f}  {verdict}")  # fmt: skip
    return "\n".join(lines), bool(table["within"].all())


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
        print("agreement of k-means clusters with the site and the diagnosis (64 x 64 images; "
              f"twin: mean over {CLUSTER_SEEDS} k-means seeds, its range and the top of its "
              "chance band; real: mean over 30 seeds where 'seeds' says 30, else seed 0; "
              "PASS: within the row's tolerance)")  # fmt: skip
        print(table)
        print("\nmean colour and spread (0-255) over all pixels of each site's images, 64 x 64")
        print(_colour_table(synthetic, root))
    print("\nall rows PASS" if passed else "\nsome rows FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
