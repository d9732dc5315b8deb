"""The augmentation functions' parameter checks: the package's one validation module re-exported.

Kept so that ``coursekit.augment`` modules import their checks from one place;
the checks themselves live in :mod:`coursekit._validation`.
"""

from coursekit._validation import check_choice, check_integer, check_number, check_size

__all__ = ["check_number", "check_integer", "check_choice", "check_size"]
