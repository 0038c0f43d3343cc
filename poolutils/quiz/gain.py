"""What the class learned: pre and post scores, normalised gain, Cohen's d, and which wrong options moved.

The figures follow the physics-education convention (Hake 1998): the class
gain is ⟨g⟩ = (post - pre) / (100 - pre) on the class's mean percentages; a
learner's own gain is the same ratio on their scores, undefined (and left out
of the mean) at pre = 100%. Cohen's d divides the mean change by the pooled
standard deviation sqrt((sd_pre² + sd_post²) / 2) (sample standard
deviations), with a seeded percentile bootstrap over learners for its 95%
interval. Only learners with both forms enter these figures; those with one
form are counted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BOOTSTRAP = 2000
SEED = 0


@dataclass(frozen=True)
class LearnerScores:
    """One learner's percentages (None when that form is missing)."""

    learner: str
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        """(post - pre) / (100 - pre), or None without both scores or at pre = 100%.

        Examples
        --------
        >>> LearnerScores("a", 40, 70).gain, LearnerScores("b", 100, 90).gain, LearnerScores("c", 40, None).gain
        (0.5, None, None)
        """
        if self.pre is None or self.post is None or self.pre >= 100:
            return None
        return (self.post - self.pre) / (100 - self.pre)


@dataclass(frozen=True)
class Gain:
    """The class's figures; None where a figure is undefined (see the module docstring)."""

    n: int
    only_pre: int
    only_post: int
    pre: float | None
    post: float | None
    class_gain: float | None
    mean_gain: float | None
    gains_counted: int
    cohens_d: float | None
    interval: tuple[float, float] | None


def cohens_d(pre: Sequence[float], post: Sequence[float]) -> float | None:
    """(mean post - mean pre) / sqrt((sd_pre² + sd_post²) / 2); None with fewer than 2 or no spread.

    Examples
    --------
    >>> round(cohens_d([10, 20, 30], [30, 40, 50]), 6)
    2.0
    """
    pre, post = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
    if len(pre) < 2:
        return None
    pooled = math.sqrt((pre.var(ddof=1) + post.var(ddof=1)) / 2)
    return None if pooled == 0 else float((post.mean() - pre.mean()) / pooled)


def bootstrap_interval(
    pre: Sequence[float], post: Sequence[float], resamples: int = BOOTSTRAP, seed: int = SEED
) -> tuple[float, float] | None:
    """The 2.5th and 97.5th percentiles of Cohen's d over resampled learners (pairs kept together)."""
    pre, post = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
    if len(pre) < 2:
        return None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        pick = rng.integers(0, len(pre), len(pre))
        d = cohens_d(pre[pick], post[pick])
        if d is not None:
            values.append(d)
    if not values:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def class_gain(scores: Sequence[LearnerScores], resamples: int = BOOTSTRAP, seed: int = SEED) -> Gain:
    """Every figure of the gain block from the learners' scores.

    Examples
    --------
    >>> g = class_gain([LearnerScores("a", 40, 70), LearnerScores("b", 60, 80), LearnerScores("c", 50, None)])
    >>> g.n, g.only_pre, g.pre, g.post, g.class_gain, g.mean_gain
    (2, 1, 50.0, 75.0, 0.5, 0.5)
    """
    both = [s for s in scores if s.pre is not None and s.post is not None]
    only_pre = sum(s.pre is not None and s.post is None for s in scores)
    only_post = sum(s.pre is None and s.post is not None for s in scores)
    if not both:
        return Gain(0, only_pre, only_post, None, None, None, None, 0, None, None)
    pre = [s.pre for s in both]
    post = [s.post for s in both]
    mean_pre, mean_post = float(np.mean(pre)), float(np.mean(post))
    g = None if mean_pre >= 100 else (mean_post - mean_pre) / (100 - mean_pre)
    gains = [s.gain for s in both if s.gain is not None]
    return Gain(
        n=len(both),
        only_pre=only_pre,
        only_post=only_post,
        pre=mean_pre,
        post=mean_post,
        class_gain=g,
        mean_gain=float(np.mean(gains)) if gains else None,
        gains_counted=len(gains),
        cohens_d=cohens_d(pre, post),
        interval=bootstrap_interval(pre, post, resamples, seed),
    )


def _number(value: float | None, digits: int = 2) -> str:
    return "undefined" if value is None else f"{value:.{digits}f}"


def gain_lines(gain: Gain, resamples: int = BOOTSTRAP, seed: int = SEED) -> list[str]:
    """The gain figures as Markdown lines.

    Examples
    --------
    >>> print("\\n".join(gain_lines(class_gain([LearnerScores("a", 40, 70), LearnerScores("b", 60, 80)]))))
    - learners with both forms: n = 2 (only before: 0, only after: 0)
    - before (form A): 50.0% right; after (form B): 75.0% right
    - class gain ⟨g⟩ = (post - pre) / (100 - pre) = 0.50
    - mean of individual gains: 0.50 (2 learners; a learner with 100% before has no gain)
    - Cohen's d = 2.24 (95% bootstrap interval 2.24 to 2.24; 2000 resamples, seed 0)
    """
    lines = [
        f"- learners with both forms: n = {gain.n} (only before: {gain.only_pre}, only after: {gain.only_post})"
    ]
    if gain.n == 0:
        return [*lines, "- no learner took both forms: no gain to report"]
    interval = (
        f"95% bootstrap interval {gain.interval[0]:.2f} to {gain.interval[1]:.2f}"
        if gain.interval
        else "no interval"
    )
    return [
        *lines,
        f"- before (form A): {gain.pre:.1f}% right; after (form B): {gain.post:.1f}% right",
        f"- class gain ⟨g⟩ = (post - pre) / (100 - pre) = {_number(gain.class_gain)}",
        f"- mean of individual gains: {_number(gain.mean_gain)} ({gain.gains_counted} learners; "
        "a learner with 100% before has no gain)",
        f"- Cohen's d = {_number(gain.cohens_d)} ({interval}; {resamples} resamples, seed {seed})",
    ]


@dataclass(frozen=True)
class DistractorRow:
    """How many learners picked one wrong option (a named mistake) of item ``number`` before and after."""

    number: int
    concept: str
    mistake: str
    before: int
    took_before: int
    after: int
    took_after: int


def distractor_table(
    concepts: Sequence[str],
    before: Sequence[dict[int, str | None]],
    after: Sequence[dict[int, str | None]],
) -> list[DistractorRow]:
    """Per item and named mistake, the pickers before and after, in item order, then by mistake name.

    ``before`` and ``after`` hold one dict per learner who took that form:
    item number (1-based) -> the picked option's mistake key (None when right
    or blank). Every learner of a form counts in its denominator.

    Examples
    --------
    >>> rows = distractor_table(["size"], [{1: "floor"}, {1: None}], [{1: None}, {1: None}, {1: "floor"}])
    >>> [(r.mistake, r.before, r.took_before, r.after, r.took_after) for r in rows]
    [('floor', 1, 2, 1, 3)]
    """
    rows = []
    for number, concept in enumerate(concepts, start=1):
        names = sorted({p.get(number) for p in [*before, *after]} - {None})
        for name in names:
            rows.append(
                DistractorRow(
                    number,
                    concept,
                    name,
                    sum(p.get(number) == name for p in before),
                    len(before),
                    sum(p.get(number) == name for p in after),
                    len(after),
                )
            )
    return rows


def table_lines(rows: Sequence[DistractorRow]) -> list[str]:
    """The distractor table in Markdown ("7 of 30 before, 1 of 28 after")."""
    if not rows:
        return ["No wrong option was picked."]
    lines = ["| item | wrong option (mistake) | before | after |", "|---|---|---|---|"]
    lines += [
        f"| {r.number} {r.concept} | {r.mistake} | {r.before} of {r.took_before} | {r.after} of {r.took_after} |"
        for r in rows
    ]
    return lines
