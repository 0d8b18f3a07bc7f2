"""Plain sentences beside the trainer's agreement figures (issue 14): what percent
agreement, Fleiss' kappa and Krippendorff's alpha mean for this group of trainees.

Bands for kappa are Landis and Koch's (1977); alpha's 0.667 and 0.8 are Krippendorff's own
thresholds for tentative and reliable conclusions."""
from __future__ import annotations

import math

import pandas as pd

NAMES = {"R": "red", "A": "amber", "G": "green"}
# (upper bound, words): kappa below 0 is worse than chance; up to 0.20 slight, and so on.
KAPPA_BANDS = [(0.0, "less agreement than chance would give"),
               (0.20, "slight agreement beyond chance"), (0.40, "fair agreement beyond chance"),
               (0.60, "moderate agreement beyond chance"),
               (0.80, "substantial agreement beyond chance"),
               (math.inf, "almost perfect agreement beyond chance")]


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def kappa_words(k) -> str:
    """"moderate agreement beyond chance" for 0.41 (Landis and Koch's bands)."""
    if _missing(k):
        return "not yet known: it needs two trainees rating the same update"
    shown = round(k, 2)  # the band of the figure as displayed
    if shown < 0:
        return KAPPA_BANDS[0][1]
    return next(words for top, words in KAPPA_BANDS[1:] if shown <= top)


def main_difference(dist: pd.DataFrame | None) -> str:
    """Which two ratings trainees most often split between, counted over pairs of trainees
    rating the same update ("amber vs red"); "" when nobody differed."""
    if dist is None or dist.empty:
        return ""
    pairs = {("A", "R"): (dist["A"] * dist["R"]).sum(), ("A", "G"): (dist["A"] * dist["G"]).sum(),
             ("G", "R"): (dist["G"] * dist["R"]).sum()}
    (a, b), n = max(pairs.items(), key=lambda kv: kv[1])
    return f"{NAMES[a]} vs {NAMES[b]}" if n > 0 else ""


def sentences(res: dict) -> dict[str, str]:
    """One sentence per headline figure ("percent", "fleiss", "alpha"), for this group."""
    differ = main_difference(res.get("distribution"))
    split = f"; trainees most often differ on {differ}" if differ else ""
    p, k, a = res.get("percent_agreement"), res.get("fleiss_kappa"), res.get("krippendorff_alpha")
    percent = ("No two trainees have rated the same update yet." if _missing(p) else
               f"Pick two trainees and an update they both rated: {p:.0%} of the time they "
               f"gave the same rating.")
    fleiss = (f"κ = {k:.2f}: {kappa_words(k)}{split}." if not _missing(k)
              else f"κ is {kappa_words(k)}.")
    if _missing(a):
        alpha = "α is not yet known: it needs two trainees rating the same update."
    else:
        trust = ("reliable enough to draw conclusions" if a >= 0.8 else
                 "enough only for tentative conclusions" if a >= 0.667 else
                 "too low to rely on: talk through the updates where ratings split")
        alpha = (f"α = {a:.2f}, counting red vs green as a bigger difference than amber vs "
                 f"either: {trust}.")
    return {"percent": percent, "fleiss": fleiss, "alpha": alpha}
