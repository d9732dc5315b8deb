"""Find and read the HAM10000 metadata table."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .classes import DIAGNOSES, REQUIRED_COLUMNS
from .errors import MetadataError

__all__ = ["METADATA_FILENAMES", "find_metadata_file", "load_metadata"]

#: Names the metadata file goes by, in the order they are looked for: the original
#: CSV, Dataverse's tab-separated export, and that export saved without an extension.
METADATA_FILENAMES = ("HAM10000_metadata.csv", "HAM10000_metadata.tab", "HAM10000_metadata")

# The header is line 1 of the file, so data row ``i`` (0-based) is line ``i + 2``.
_FIRST_DATA_LINE = 2
_MAX_LISTED = 5


def find_metadata_file(root) -> Path:
    """Return the path of the metadata file in folder ``root``.

    Parameters
    ----------
    root : str or os.PathLike
        Folder of a HAM10000 copy.

    Returns
    -------
    pathlib.Path
        The first of :data:`METADATA_FILENAMES` that exists in ``root``.

    Raises
    ------
    MetadataError
        If ``root`` is not a folder or holds none of those files.
    """
    root = Path(root)
    if not root.is_dir():
        raise MetadataError(f"HAM10000 folder {str(root)!r} does not exist or is not a folder.")
    for name in METADATA_FILENAMES:
        path = root / name
        if path.is_file():
            return path
    raise MetadataError(
        f"No HAM10000 metadata file in {str(root)!r}: looked for "
        + ", ".join(METADATA_FILENAMES)
        + ". Download it from https://doi.org/10.7910/DVN/DBW86T or use coursekit.data."
        "synthetic_ham10000() to make a synthetic folder."
    )


def _sniff_separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    return "\t" if header.count("\t") > header.count(",") else ","


def _lines(positions) -> str:
    lines = [str(int(p) + _FIRST_DATA_LINE) for p in positions[:_MAX_LISTED]]
    more = f" and {len(positions) - _MAX_LISTED} more" if len(positions) > _MAX_LISTED else ""
    return ", ".join(lines) + more


def _check_rows(table: pd.DataFrame, path: Path) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise MetadataError(
            f"{path}: missing required column(s) {', '.join(missing)}; found columns "
            f"{', '.join(map(str, table.columns))}. "
            f"Expected at least {', '.join(REQUIRED_COLUMNS)}."
        )
    for column in REQUIRED_COLUMNS:
        empty = table.index[table[column].isna()].to_numpy()
        if len(empty):
            raise MetadataError(f"{path}: empty {column!r} on line(s) {_lines(empty)}.")
    unknown = ~table["dx"].isin(list(DIAGNOSES))
    if unknown.any():
        positions = table.index[unknown].to_numpy()
        values = sorted(set(table.loc[unknown, "dx"]))
        raise MetadataError(
            f"{path}: unknown dx code(s) {', '.join(map(repr, values))} on line(s) "
            f"{_lines(positions)}; expected one of {', '.join(DIAGNOSES)}."
        )
    duplicated = table["image_id"].duplicated(keep=False)
    if duplicated.any():
        positions = table.index[duplicated].to_numpy()
        values = sorted(set(table.loc[duplicated, "image_id"]))
        raise MetadataError(
            f"{path}: image_id {', '.join(values[:_MAX_LISTED])} listed more than once "
            f"(line(s) {_lines(positions)}); each image must appear once."
        )


def load_metadata(root) -> pd.DataFrame:
    """Read the HAM10000 metadata of the copy in folder ``root``.

    Parameters
    ----------
    root : str or os.PathLike
        Folder holding ``HAM10000_metadata.csv``, ``HAM10000_metadata.tab`` or
        ``HAM10000_metadata`` (see :data:`METADATA_FILENAMES`), or the path of
        such a file itself.

    Returns
    -------
    pandas.DataFrame
        One row per image, in file order, with a fresh ``RangeIndex``. Columns
        are those of the file (``lesion_id, image_id, dx, dx_type, age, sex,
        localization`` and, in newer copies, ``dataset``; extra columns are
        kept) plus ``diagnosis``, the readable name of ``dx`` (e.g.
        ``"melanoma"``). ``age`` is float years with NaN where missing.

    Raises
    ------
    MetadataError
        If no metadata file is found, a required column (``lesion_id``,
        ``image_id``, ``dx``) is missing or empty, a ``dx`` code is unknown, or
        an ``image_id`` is listed twice; the message names the file and lines.

    Notes
    -----
    Comma- and tab-separated files are both accepted (the separator is sniffed
    from the header line), as are Windows line endings and a UTF-8 byte-order
    mark. Text cells are stripped of surrounding spaces.
    """
    path = Path(root) if Path(root).is_file() else find_metadata_file(root)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MetadataError(f"{path} is not UTF-8 text ({exc}); is it the metadata file?") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise MetadataError(f"{path} is empty; expected a header line and one row per image.")
    try:
        table = pd.read_csv(io.StringIO(text), sep=_sniff_separator(text), dtype=str)
    except (pd.errors.ParserError, ValueError) as exc:
        raise MetadataError(
            f"{path} could not be parsed as a CSV or tab-separated table: {exc}"
        ) from exc
    table.columns = [str(c).strip() for c in table.columns]
    for column in table.columns:
        table[column] = table[column].str.strip().replace("", pd.NA)
    _check_rows(table, path)
    if "age" in table.columns:
        age = pd.to_numeric(table["age"], errors="coerce")
        bad = table.index[age.isna() & table["age"].notna()].to_numpy()
        if len(bad):
            raise MetadataError(
                f"{path}: age {table.loc[bad[0], 'age']!r} on line(s) {_lines(bad)} is not a "
                "number; expected years (or an empty cell when unknown)."
            )
        table["age"] = age.astype("float64")
    table["diagnosis"] = table["dx"].map({code: d.name for code, d in DIAGNOSES.items()})
    return table.reset_index(drop=True)
