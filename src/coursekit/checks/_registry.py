"""Where the contract of each (question, check) pair is registered."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["CONTRACTS", "QUICK_INPUTS", "contract"]

#: ``{(question, check): contract function}``; a contract function takes the function under
#: test (a callable with ``.call``) and one input as keyword arguments, and raises
#: :class:`coursekit.checks.compare.Mismatch` when the answer breaks the contract.
CONTRACTS: dict[tuple[str, str], Callable] = {}

#: ``{(question, check): [inputs, ...]}``: the few fixed inputs of the quick public check.
QUICK_INPUTS: dict[tuple[str, str], list[dict]] = {}


def contract(question: str, check: str, quick: list[dict] | None = None):
    """Register the decorated function as the contract of ``check`` of ``question``."""

    def register(function):
        CONTRACTS[(question, check)] = function
        QUICK_INPUTS[(question, check)] = list(quick or [])
        function.question, function.check = question, check
        return function

    return register
