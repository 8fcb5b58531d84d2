"""The weightings of the chokepoint score, each weight with its reference or stated judgement.

The composite (:data:`COMPOSITE`) is rarekg's own blend; no publication fixes its weights.
Each weight below says what it rests on, so a reader can tell a cited rule from a choice,
and ``rarekg chokepoints --method`` ranks by another weighting to see how much the choice
matters. How closely the composite follows the published concentration measure on the
shipped graph is measured by :mod:`rarekg.analysis.criticality.compare`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The measures a weighting weighs (rarekg.analysis.chokepoints).
MEASURES = ("concentration", "dominance", "betweenness", "cut", "control")


@dataclass(frozen=True)
class Weight:
    """One weight: its value and what it rests on (a reference, or a judgement said so)."""

    value: float
    basis: str


@dataclass(frozen=True)
class Weighting:
    """A named set of weights over :data:`MEASURES` (a measure left out weighs 0)."""

    name: str
    title: str
    weights: dict[str, Weight]

    def values(self) -> dict[str, float]:
        """Measure -> weight."""
        return {m: self.weights[m].value if m in self.weights else 0.0 for m in MEASURES}

    def formula(self) -> str:
        """The score as a formula, e.g. ``0.35 concentration + 0.25 dominance``.

        Examples:
            >>> WEIGHTINGS["concentration"].formula()
            '1.00 concentration'
        """
        return " + ".join(f"{w.value:.2f} {m}" for m, w in self.weights.items() if w.value)


_JUDGEMENT = "stated judgement (rarekg): "

COMPOSITE = Weighting(
    "composite",
    "rarekg's composite: observed concentration first, then how much hangs on the node",
    {
        "concentration": Weight(
            0.35,
            _JUDGEMENT + "the largest weight because it is the one observed measure; the "
            "measure is the top share whose HHI the U.S. DOJ & FTC Merger Guidelines (2023) "
            "s. 2.1 call highly concentrated above 1,800",
        ),
        "dominance": Weight(
            0.25,
            _JUDGEMENT + "a dominator is a single point of failure for the industries "
            "downstream (Cooper, Harvey & Kennedy 2001 for the algorithm, not the weight)",
        ),
        "betweenness": Weight(
            0.15,
            _JUDGEMENT + "brokerage between supply and demand (Brandes 2001 for the "
            "algorithm, not the weight)",
        ),
        "cut": Weight(
            0.10,
            _JUDGEMENT + "overlaps dominance for cuts of one node, so weighed less "
            "(Even 1975 for the algorithm)",
        ),
        "control": Weight(
            0.15,
            _JUDGEMENT + "whether the lever is being pulled: an export control in force "
            "on the date (rarekg.analysis.asof)",
        ),
    },
)

WEIGHTINGS: dict[str, Weighting] = {
    "composite": COMPOSITE,
    "concentration": Weighting(
        "concentration",
        "concentration only: the top share, the measure behind the HHI of the Merger Guidelines",
        {
            "concentration": Weight(
                1.0, "U.S. DOJ & FTC, Merger Guidelines (2023), s. 2.1 (HHI and shares)"
            )
        },
    ),
    "network": Weighting(
        "network",
        "graph position only: dominance, betweenness and cut, equally weighted",
        {
            m: Weight(round(1 / 3, 4), _JUDGEMENT + "equal weights, no measure preferred")
            for m in ("dominance", "betweenness", "cut")
        },
    ),
    "equal": Weighting(
        "equal",
        "all five measures equally weighted",
        {m: Weight(0.2, _JUDGEMENT + "equal weights, no measure preferred") for m in MEASURES},
    ),
}

#: The weighting a ranking uses unless told otherwise.
DEFAULT_WEIGHTING = "composite"
