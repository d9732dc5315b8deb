"""``coursekit data``: make the synthetic twin, download HAM10000, describe a copy."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

__all__ = ["register", "describe"]


def register(subparsers) -> None:
    """Add the ``data`` verb and its sub-commands to the ``coursekit`` parser."""
    parser = subparsers.add_parser("data", help="HAM10000: synthetic twin, download, info")
    verbs = parser.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)

    synth = verbs.add_parser("synth", help="write the synthetic HAM10000 twin into DEST")
    synth.add_argument("dest", metavar="DEST", type=Path)
    synth.add_argument("--n-images", type=int, default=700, help="number of images (700)")
    synth.add_argument("--seed", type=int, default=0, help="random seed (0)")
    synth.add_argument("--size", type=int, nargs=2, metavar=("H", "W"), default=(450, 600),
                       help="image height and width in pixels (450 600)")  # fmt: skip
    synth.set_defaults(func=_synth)

    download = verbs.add_parser(
        "download", help="download the real HAM10000 (or N images per class) into DEST",
        description="Download HAM10000 from Harvard Dataverse into DEST: all 10,015 images "
        "(about 2.6 GB), or with --per-class N only N images of each diagnosis, cut out of "
        "the zips with HTTP range requests (about 0.26 MB per image). Safe to interrupt: "
        "running the same command again continues.",
    )  # fmt: skip
    download.add_argument("dest", metavar="DEST", type=Path)
    download.add_argument(
        "--per-class", type=int, default=None, metavar="N",
        help="download only N randomly chosen images of each diagnosis (default: all images)",
    )  # fmt: skip
    download.add_argument(
        "--random-state", type=int, default=0, metavar="SEED",
        help="seed of the --per-class draw (0); the same seed chooses the same images",
    )  # fmt: skip
    download.add_argument(
        "--base-url", default=None,
        help="Dataverse server (default: $COURSEKIT_DATAVERSE_URL, else Harvard Dataverse)",
    )  # fmt: skip
    download.set_defaults(func=_download)

    info = verbs.add_parser("info", help="describe the HAM10000 copy in ROOT")
    info.add_argument("root", metavar="ROOT", type=Path)
    info.set_defaults(func=_info)


def _synth(args) -> int:
    from .synthetic import synthetic_ham10000

    try:
        dest = synthetic_ham10000(args.dest, n_images=args.n_images, seed=args.seed,
                                  size=tuple(args.size))  # fmt: skip
    except (ValueError, FileExistsError) as exc:
        print(f"coursekit data synth: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote a synthetic HAM10000 twin of {args.n_images} images to {dest}")
    return 0


def _download(args) -> int:
    from .download import download_ham10000
    from .errors import DownloadError

    def show(message, category, *args, **kwargs):  # a warning, as a plain line
        print(f"coursekit data download: {message}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = show
        try:
            dest = download_ham10000(args.dest, base_url=args.base_url, per_class=args.per_class,
                                     random_state=args.random_state)  # fmt: skip
        except DownloadError as exc:
            print(f"coursekit data download: {exc}", file=sys.stderr)
            return 1
        except ValueError as exc:
            print(f"coursekit data download: {exc}", file=sys.stderr)
            return 2
    what = "HAM10000" if args.per_class is None else "The HAM10000 subset"
    print(f"{what} is in {dest}; set COURSEKIT_DATA={dest} to use it.")
    return 0


def describe(root) -> str:
    """Report on the HAM10000 copy in ``root``: layout, counts, missing files, image size."""
    from .images import find_image_folders, find_images, read_image
    from .metadata import find_metadata_file, load_metadata

    root = Path(root)
    metadata = load_metadata(root)
    paths = find_images(root)
    folders = find_image_folders(root)
    missing = [i for i in metadata["image_id"] if i not in paths]
    lines = [
        f"HAM10000 copy at {root}",
        f"metadata: {find_metadata_file(root).name}",
        "image folders: " + (", ".join(f.relative_to(root).as_posix() for f in folders) or "none"),
        f"images listed: {len(metadata)}, lesions: {metadata['lesion_id'].nunique()}, "
        f"image files found: {len(paths)}",
        "per dx: " + ", ".join(f"{k} {v}" for k, v in metadata["dx"].value_counts().items()),
    ]
    if "dataset" in metadata.columns:
        counts = metadata["dataset"].value_counts()
        lines.append("per site: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    subset = _subset_settings(root)
    if subset:
        lines.append(subset)
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        lines.append(f"missing image files: {len(missing)} ({shown})")
    else:
        lines.append("missing image files: 0")
    present = [paths[i] for i in metadata["image_id"] if i in paths]
    if present:
        height, width, _ = read_image(present[0]).shape
        lines.append(f"image size (first image): {width} x {height} (width x height)")
    return "\n".join(lines)


def _subset_settings(root: Path) -> str:
    """One line on the subset download that filled ``root``, or "" if none did."""
    from .subset import SUBSET_MANIFEST

    try:
        settings = json.loads((root / SUBSET_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    state = "" if settings.get("complete") else " (incomplete: run it again)"
    return (
        f"subset: coursekit data download --per-class {settings.get('per_class')} "
        f"--random-state {settings.get('random_state')}{state}"
    )


def _info(args) -> int:
    from .errors import DatasetError

    try:
        print(describe(args.root))
    except DatasetError as exc:
        print(f"coursekit data info: {exc}", file=sys.stderr)
        return 1
    return 0
