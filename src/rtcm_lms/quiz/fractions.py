"""Grades per answer as Moodle accepts them.

Moodle's importer rejects any answer fraction that is not within 1e-5 of one of its standard grades
(100/n for n = 1..10, plus 90, 80, 75, 70, 60, 40, 30, 5 and their negatives), so multiple-response
credit is spread as 100/n over the n correct options and the same negative share over wrong ones.
"""

from __future__ import annotations

MAX_SPLIT = 10


def share(n: int) -> str:
    """100/n formatted the way Moodle writes it (5 decimals, no trailing zeros)."""
    if not 1 <= n <= MAX_SPLIT:
        raise ValueError(f"cannot split credit over {n} answers (Moodle's grades go down to 1/{MAX_SPLIT})")
    return f"{100 / n:.5f}".rstrip("0").rstrip(".")


def multiple_response(correct: bool, n_correct: int, n_wrong: int) -> str:
    return share(n_correct) if correct else f"-{share(n_wrong)}"
