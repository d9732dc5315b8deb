"""``coursekit demo``: the whole course in one run, on the embedded data set.

load → augment one lesion and the ``skin`` image → features → choose k →
cluster → evaluate against diagnosis *and* acquisition site → colour
constancy → re-cluster and evaluate again → PNG figures plus a metrics
summary (Markdown and JSON) in an output folder.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

__all__ = ["run_demo", "register"]

#: Steps shown in the progress display, in order.
STEPS = (
    "load data",
    "montage per diagnosis",
    "augmentations",
    "lesion segmentation",
    "features",
    "choose k",
    "cluster and evaluate",
    "colour constancy, re-cluster and evaluate",
    "write summary",
)


class _Progress:
    """One line per step on stderr, with the elapsed time of the step before."""

    def __init__(self, stream=sys.stderr, enabled=True):
        self.stream = stream
        self.enabled = enabled
        self.start = time.perf_counter()
        self.step = 0

    def __call__(self, name: str) -> None:
        self.step += 1
        if self.enabled:
            elapsed = time.perf_counter() - self.start
            line = f"[{self.step}/{len(STEPS)}] {name} ({elapsed:5.1f} s)"
            print(line, file=self.stream, flush=True)


#: Random clusterings per chance level: the 2.5th and 97.5th percentiles then rest on 25
#: shuffles each, so they hardly change with the seed.
N_SHUFFLES = 1000
#: k-means seeds for the spread of the headline scores (one run is one draw).
N_SEEDS = 30


def _over_seeds(feats, metadata, k):
    """ARI and AMI of k-means over N_SEEDS seeds, with chance bands (JSON-ready)."""
    from coursekit.cluster import cluster_images, score_over_seeds, verdict
    from coursekit.features import standardise

    targets = {"diagnosis": metadata["dx"].to_numpy(), "site": metadata["dataset"].to_numpy()}
    summary = score_over_seeds(
        feats, targets, k, seeds=N_SEEDS, n_shuffles=N_SHUFFLES,
        cluster=lambda values, n, seed: cluster_images(standardise(values)[0], n,
                                                       random_state=seed),
    )["summary"]
    return {target: {score: {"mean": float(row["mean"]), "min": float(row["min"]),
                             "max": float(row["max"]), "chance_p2.5": float(row["chance_p2.5"]),
                             "chance_p97.5": float(row["chance_p97.5"]),
                             "n_seeds": int(row["n_runs"]), "verdict": verdict(row)}
                     for (t, score), row in summary.iterrows() if t == target}
            for target in targets}  # fmt: skip


def _evaluate_both(labels, metadata, random_state):
    """Clusters judged against diagnosis and against acquisition site, beside chance."""
    from coursekit.cluster import SCORES, evaluate_clustering, random_baseline

    result = {}
    for target, column in (("diagnosis", "dx"), ("site", "dataset")):
        truth = metadata[column].to_numpy()
        scores = evaluate_clustering(truth, labels)
        # Chance level for clusters of exactly these sizes (a permutation baseline).
        baseline = random_baseline(truth, labels, n_repeats=N_SHUFFLES, random_state=random_state)
        summary = baseline["summary"]
        result[target] = {
            **{name: float(scores[name]) for name in SCORES},
            "nmi_chance": float(scores["nmi_chance"]),
            "chance_purity": float(baseline["purity"]),
            "chance": {
                "n_repeats": int(baseline["n_repeats"]),
                **{name: {column: float(value) for column, value in summary.loc[name].items()}
                   for name in SCORES},
            },
            "contingency": scores["contingency"],
            "baseline": baseline,
        }
    return result


def run_demo(output="demo-output", size=(64, 64), k=None, random_state=0, root=None,
             progress=True):
    """Run the course pipeline end to end and write figures and metrics.

    Parameters
    ----------
    output : str or pathlib.Path
        Folder for the PNG figures, ``metrics.json`` and ``metrics.md``
        (created if missing; existing files of the same names are replaced).
    size : tuple of int
        ``(height, width)`` the images are loaded at, in pixels.
    k : int or None
        Number of image clusters. ``None`` picks the k in 2..8 with the best
        silhouette score.
    random_state : int
        Seed for every random step, so that two runs give the same results.
    root : str or pathlib.Path or None
        A HAM10000 folder; ``None`` uses real HAM10000 when present, else the
        synthetic twin (see :func:`coursekit.data.load_dataset`).
    progress : bool
        Print one line per step on stderr.

    Returns
    -------
    dict
        The metrics written to ``metrics.json``.
    """
    import matplotlib

    matplotlib.use("Agg")

    from coursekit import augment, cluster, data, features, plot

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    step = _Progress(enabled=progress)
    started = time.perf_counter()
    figures = {}

    def save(fig, name):
        path = out / f"{name}.png"
        plot.save_figure(fig, path)
        figures[name] = path.name

    step(STEPS[0])
    _, is_real = data.dataset_root(root)
    named = " (HAM10000)" if is_real else " (synthetic twin)"  # every figure names its data
    images, metadata = data.load_dataset(size=size, random_state=random_state, root=root,
                                         verbose=progress, progress=None if progress else False)

    step(STEPS[1])
    save(plot.montage_by_class(images, metadata["dx"].to_numpy(), n_per_class=4,
                               random_state=random_state,
                               suptitle="Four images per diagnosis" + named),
         "01_montage_by_diagnosis")
    save(plot.class_counts(metadata["dx"].to_numpy(), title="Images per diagnosis" + named),
         "02_class_counts")

    step(STEPS[2])
    lesion = images[int(np.flatnonzero(metadata["dx"].to_numpy() == "mel")[0])
                    if (metadata["dx"] == "mel").any() else 0]
    transforms = {
        "rotate 90°": lambda im: augment.rotate90(im, 1),
        "rotate 30°": lambda im: augment.rotate(im, 30),
        "flip horizontal": lambda im: augment.flip(im, "horizontal"),
        "brightness ×1.3": lambda im: augment.adjust_brightness(im, 1.3),
        "gamma 0.7": lambda im: augment.adjust_gamma(im, 0.7),
        "hue +0.05": lambda im: augment.adjust_hue(im, 0.05),
        "blur σ=1": lambda im: augment.gaussian_blur(im, 1.0),
        "noise σ=0.05": lambda im: augment.add_noise(im, 0.05, random_state=random_state),
    }
    save(plot.augmentation_grid(lesion, transforms,
                                suptitle="Augmentations of one lesion" + named),
         "03_augment_lesion")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        skin = data.load_skin()
    skin_name = "skin" if not caught else "ihc (offline stand-in for skin)"
    skin_small = augment.resize_image(skin, (skin.shape[0] // 4, skin.shape[1] // 4))
    save(plot.augmentation_grid(skin_small, transforms,
                                suptitle=f"Augmentations of scikit-image's {skin_name} image"),
         "04_augment_skin")

    step(STEPS[3])
    big_lesion = data.load_dataset(size=(225, 300), n_per_class=1, dx="mel",
                                   random_state=random_state, root=root, verbose=False,
                                   progress=False)[0][0]
    mask = cluster.segment_lesion(big_lesion, random_state=random_state)
    save(plot.segmentation_overlay(big_lesion, mask,
                                   title="Lesion found by colour clustering (k = 2, Lab)" + named),
         "05_segmentation")

    step(STEPS[4])
    feats = features.extract_features(images, kind="colour_histogram", progress=False)
    scaled, _ = features.standardise(feats)

    step(STEPS[5])
    table = cluster.choose_k(scaled, ks=range(2, 9), random_state=random_state)
    ks = np.asarray(table["k"])
    silhouette = np.asarray(table["silhouette"])
    save(plot.elbow_plot(ks, np.asarray(table["inertia"]), silhouette,
                         title="Choosing the number of clusters k" + named), "06_choose_k")
    chosen_k = int(k) if k is not None else int(ks[int(np.argmax(silhouette))])

    step(STEPS[6])
    labels = cluster.cluster_images(scaled, chosen_k, random_state=random_state)
    before = _evaluate_both(labels, metadata, random_state)
    embedding = features.reduce_dimensions(scaled, n_components=2, method="pca",
                                           random_state=random_state)
    save(plot.embedding_scatter(embedding, metadata["dataset"].to_numpy(),
                                title="Colour histograms (PCA), coloured by acquisition site"
                                + named,
                                label_name="site"), "07_embedding_by_site")
    save(plot.embedding_scatter(embedding, metadata["dx"].to_numpy(),
                                title="Colour histograms (PCA), coloured by diagnosis" + named,
                                label_name="diagnosis"), "08_embedding_by_diagnosis")
    save(plot.contingency_heatmap(before["site"]["contingency"],
                                  title="Clusters vs acquisition site" + named),
         "09_clusters_vs_site")
    save(plot.contingency_heatmap(before["diagnosis"]["contingency"],
                                  title="Clusters vs diagnosis" + named),
         "10_clusters_vs_diagnosis")
    save(plot.scores_vs_chance({target: before[target] for target in before},
                               {target: before[target]["baseline"] for target in before},
                               title=f"k-means clusters (k = {chosen_k}) against diagnosis "
                                     "and site, beside chance" + named),
         "11_scores_vs_chance")
    save(plot.cluster_gallery(images, labels, n_per_cluster=6, random_state=random_state,
                              suptitle="Six images from each cluster" + named),
         "12_cluster_gallery")

    step(STEPS[7])
    corrected = np.stack([augment.colour_constancy(im) for im in images])
    feats_cc = features.extract_features(corrected, kind="colour_histogram", progress=False)
    scaled_cc, _ = features.standardise(feats_cc)
    labels_cc = cluster.cluster_images(scaled_cc, chosen_k, random_state=random_state)
    after = _evaluate_both(labels_cc, metadata, random_state)
    spread = {"before_colour_constancy": _over_seeds(feats, metadata, chosen_k),
              "after_colour_constancy": _over_seeds(feats_cc, metadata, chosen_k)}
    save(plot.image_grid(np.concatenate([images[:6], corrected[:6]]),
                         titles=[f"original {i + 1}" for i in range(6)]
                         + [f"colour constancy {i + 1}" for i in range(6)],
                         ncols=6, suptitle="Shades-of-grey colour constancy" + named),
         "13_colour_constancy")
    save(plot.contingency_heatmap(after["site"]["contingency"],
                                  title="After colour constancy: clusters vs site" + named),
         "14_cc_clusters_vs_site")

    step(STEPS[8])
    metrics = {
        "data": {
            "source": "HAM10000" if is_real else "synthetic HAM10000 twin",
            "n_images": int(len(images)),
            "image_size": [int(size[0]), int(size[1])],
            "diagnoses": {str(k_): int(v) for k_, v in metadata["dx"].value_counts().items()},
            "sites": {str(k_): int(v) for k_, v in metadata["dataset"].value_counts().items()},
        },
        "features": "colour_histogram (RGB, 8 bins per channel), standardised",
        "k": chosen_k,
        "k_selection": {int(a): float(b) for a, b in zip(ks, silhouette, strict=True)},
        "before_colour_constancy": _strip(before),
        "after_colour_constancy": _strip(after),
        "over_seeds": {stage: {target: {score: {name: (round(v, 4) + 0.0 if isinstance(v, float)
                                                       else v) for name, v in row.items()}
                                        for score, row in scores.items()}
                               for target, scores in part.items()}
                       for stage, part in spread.items()},
        "figures": figures,
        "random_state": random_state,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (out / "metrics.md").write_text(_markdown(metrics), encoding="utf-8")
    if progress:
        print(f"Done in {metrics['seconds']} s. Figures and metrics are in {out.resolve()}",
              file=sys.stderr)
    print(f"coursekit demo: results written to {out.resolve()}")
    return metrics


def _strip(evaluation):
    """The JSON-ready part of :func:`_evaluate_both` (tables and shuffles stay out)."""
    def rounded(value):
        if isinstance(value, dict):
            return {name: rounded(item) for name, item in value.items()}
        return round(value, 4) + 0.0 if isinstance(value, float) else value  # no -0.0

    return {
        target: {name: rounded(value) for name, value in scores.items()
                 if name not in ("contingency", "baseline")}
        for target, scores in evaluation.items()
    }


_STAGES = (("before_colour_constancy", "original colours"),
           ("after_colour_constancy", "after colour constancy"))
_COLUMNS = ("ari", "ami", "nmi", "purity")


def _number(value):
    """Three decimals, and no minus sign on a value that rounds to zero."""
    return f"{round(value, 3) + 0.0:.3f}"


def _markdown(metrics):
    scores, chance = [], []
    for stage, title in _STAGES:
        for target in ("diagnosis", "site"):
            s = metrics[stage][target]
            band = s["chance"]
            marks = ["*" if s[name] > band[name]["p95"] else "" for name in _COLUMNS]
            scores.append(f"| {title} | {target} | "
                          + " | ".join(f"{_number(s[name])}{mark}"
                                       for name, mark in zip(_COLUMNS, marks, strict=True))
                          + f" | {_number(s['nmi_chance'])} |")
            chance.append(f"| {title} | {target} | "
                          + " | ".join(f"{_number(band[name]['mean'])} "
                                       f"[{_number(band[name]['p2.5'])}, "
                                       f"{_number(band[name]['p97.5'])}]" for name in _COLUMNS)
                          + " |")
    n_repeats = metrics["before_colour_constancy"]["diagnosis"]["chance"]["n_repeats"]
    seeds = []
    for stage, title in _STAGES:
        for target in ("diagnosis", "site"):
            for score in ("ari", "ami"):
                row = metrics["over_seeds"][stage][target][score]
                seeds.append(f"| {title} | {target} | {score.upper()} | {_number(row['mean'])} | "
                             f"{_number(row['min'])} to {_number(row['max'])} | "
                             f"{_number(row['chance_p2.5'])} to {_number(row['chance_p97.5'])} | "
                             f"{row['verdict']} |")
    n_seeds = metrics["over_seeds"]["before_colour_constancy"]["site"]["ari"]["n_seeds"]
    data = metrics["data"]
    lines = [
        "# coursekit demo: what colour clusters find",
        "",
        f"Data: {data['source']}, {data['n_images']} images at "
        f"{data['image_size'][0]}×{data['image_size'][1]} pixels.",
        f"Features: {metrics['features']}. k-means with k = {metrics['k']} "
        f"(random_state = {metrics['random_state']}).",
        "",
        f"Over {n_seeds} k-means seeds (seeds 0 to {n_seeds - 1}; one run is one draw from this "
        f"range), beside the chance band of {n_repeats} shuffled clusterings:",
        "",
        "| colours | judged against | score | mean | range over seeds | chance band | reading |",
        "|---|---|---|---|---|---|---|",
        *seeds,
        "",
        f"One run (random_state = {metrics['random_state']}):",
        "",
        "| colours | judged against | ARI | AMI | NMI | purity | NMI by chance |",
        "|---|---|---|---|---|---|---|",
        *scores,
        "",
        "ARI and AMI are 0 for chance and 1 for a perfect match. NMI and purity are not "
        "adjusted for chance: random clusters score above 0 (\"NMI by chance\" is NMI's exact "
        "expected value for clusters of these sizes). \\* marks a score above the 95th "
        f"percentile of {n_repeats} random clusterings of the same sizes: better than chance "
        "at the 5 % level.",
        "",
        f"Chance: mean [2.5th, 97.5th percentile] of the scores of {n_repeats} random "
        "clusterings with the same cluster sizes.",
        "",
        "| colours | judged against | ARI | AMI | NMI | purity |",
        "|---|---|---|---|---|---|",
        *chance,
        "",
        "Where the clusters match the acquisition site far better than the diagnosis, the "
        "colour features describe the camera and lighting more than the lesion; colour "
        "constancy removes part of that.",
        "",
        "Figures: " + ", ".join(metrics["figures"].values()),
        "",
    ]
    return "\n".join(lines)


def register(subparsers):
    parser = subparsers.add_parser(
        "demo",
        help="run the whole pipeline on the embedded data set and save figures and metrics",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--output", "-o", default="demo-output",
                        help="output folder (default: demo-output)")
    parser.add_argument("--k", type=int, default=None,
                        help="number of image clusters (default: best silhouette in 2..8)")
    parser.add_argument("--size", type=int, nargs=2, default=(64, 64), metavar=("H", "W"),
                        help="image size in pixels (default: 64 64)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--root", default=None, help="a HAM10000 folder (default: auto)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(func=_main)


def _main(args):
    run_demo(args.output, size=tuple(args.size), k=args.k, random_state=args.random_state,
             root=args.root, progress=not args.quiet)
    return 0
