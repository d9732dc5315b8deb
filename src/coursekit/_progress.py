"""Progress bars for long loops: tqdm on stderr in a terminal, on stdout in a notebook.

Jupyter paints everything written to stderr pink, like an error; a progress
bar there frightens students. ``TQDM_DISABLE=1`` switches bars off everywhere.
"""

from __future__ import annotations

import os
import sys

from tqdm import tqdm


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ip = shell.get_ipython()
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def progress_bar(total: int, desc: str, unit: str, disable: bool = False) -> tqdm:
    """A tqdm bar over ``total`` items, written where the user will read it calmly."""
    stream = sys.stdout if _in_notebook() else sys.stderr
    # tqdm reads TQDM_DISABLE only when `disable` is left to it: honour it here too.
    disable = disable or os.environ.get("TQDM_DISABLE", "").lower() in ("1", "true", "yes")
    return tqdm(total=total, desc=desc, unit=unit, disable=disable, file=stream)
