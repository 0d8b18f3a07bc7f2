"""An exercise's results from its ratings frame: agreement figures, pseudonyms, CSV."""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from ..analytics import agreement
from ..catalog.vignettes import item_label
from .exercises import Exercise

RATING_COLUMNS = ["alias", "vignette", "update_index", "item", "when", "rating",
                  "expert_rating", "rationale", "at"]
CSV_COLUMNS = ["trainee", "vignette", "vignette_title", "update", "when", "rating",
               "expert_rating", "agrees_with_expert", "rationale"]


def empty_ratings() -> pd.DataFrame:
    """A ratings frame with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in RATING_COLUMNS})


def long_frame(ratings: pd.DataFrame) -> pd.DataFrame:
    """``rater, item, rating`` for :mod:`supervision_kit.analytics.agreement` (unrated rows dropped)."""
    df = ratings[ratings["rating"].isin(["R", "A", "G"])]
    return pd.DataFrame({"rater": df["alias"].astype(str), "item": df["item"].astype(str),
                         "rating": df["rating"].astype(str)})


def item_titles(ex: Exercise) -> dict[str, str]:
    """Item label -> "<vignette title> — <when>" for tables and charts."""
    return {item_label(v.id, i): f"{v.title} — {u.when}"
            for v in ex.vignettes for i, u in enumerate(v.updates)}


def distribution(ex: Exercise, ratings: pd.DataFrame) -> pd.DataFrame:
    """One row per update in reading order: R/A/G counts, n rated, expert rating, title."""
    long = long_frame(ratings)
    counts = (pd.crosstab(long["item"], long["rating"]) if len(long)
              else pd.DataFrame(columns=["R", "A", "G"]))
    order = [item_label(v, i) for v, i in ex.items]
    out = counts.reindex(index=order, columns=["R", "A", "G"], fill_value=0).fillna(0).astype(int)
    out.index.name = "item"
    out.insert(0, "title", pd.Series(item_titles(ex)).reindex(order).values)
    out["n"] = out[["R", "A", "G"]].sum(axis=1)
    out["expert"] = pd.Series(ex.expert()).reindex(order).values
    return out


def pseudonyms(ratings: pd.DataFrame) -> dict[str, str]:
    """Alias -> T01, T02, ... numbered by each trainee's first saved rating (ties by alias)."""
    if ratings.empty:
        return {}
    first = ratings.groupby("alias")["at"].min().reset_index().sort_values(["at", "alias"])
    width = max(2, len(str(len(first))))
    return {a: f"T{i + 1:0{width}d}" for i, a in enumerate(first["alias"])}


def results(ex: Exercise, ratings: pd.DataFrame, names: dict[str, str] | None = None) -> dict:
    """Everything the trainer's page shows: :func:`agreement.summary` plus the distribution.

    ``names`` maps aliases to displayed names (e.g. pseudonyms for a projected screen).
    """
    long = long_frame(ratings)
    if names:
        long["rater"] = long["rater"].map(lambda a: names.get(a, a))
    out = {"n_trainees": int(ratings["alias"].nunique()) if len(ratings) else 0,
           "distribution": distribution(ex, ratings), "titles": item_titles(ex)}
    if long.empty:
        out.update(n_raters=0, n_items=0, n_ratings=0, percent_agreement=float("nan"),
                   fleiss_kappa=float("nan"), krippendorff_alpha=float("nan"),
                   disagreement_by_item=None, agreement_with_expert=None)
        return out
    out.update(agreement.summary(long, pd.Series(ex.expert()), weights="linear"))
    return out


def _replace_alias(text: str, alias: str, pseudonym: str) -> str:
    if not text or not alias:
        return text or ""
    return re.sub(rf"(?<!\w){re.escape(alias)}(?!\w)", pseudonym, text, flags=re.IGNORECASE)


def results_csv(ex: Exercise, ratings: pd.DataFrame) -> str:
    """One row per rating with trainees as T01, T02, ... (aliases also removed from rationales)."""
    names = pseudonyms(ratings)
    titles = {v.id: v.title for v in ex.vignettes}
    rows = []
    order = {item: n for n, item in enumerate(item_label(v, i) for v, i in ex.items)}
    df = ratings.assign(order_=ratings["item"].map(order),
                        trainee_=ratings["alias"].map(names)).sort_values(["trainee_", "order_"])
    for r in df.itertuples(index=False):
        rationale = r.rationale or ""
        for alias, pseudo in names.items():
            rationale = _replace_alias(rationale, alias, pseudo)
        rating = r.rating if isinstance(r.rating, str) else ""
        rows.append({
            "trainee": r.trainee_, "vignette": r.vignette, "vignette_title": titles.get(r.vignette, ""),
            "update": int(r.update_index) + 1, "when": r.when, "rating": rating,
            "expert_rating": r.expert_rating,
            "agrees_with_expert": "" if not rating else ("yes" if rating == r.expert_rating else "no"),
            "rationale": rationale})
    from ..io.safe_csv import frame_text  # the one CSV writer: formulas neutralised
    return frame_text(pd.DataFrame(rows, columns=CSV_COLUMNS))


def fmt(x, percent: bool = False) -> str:
    """A statistic for display: 2 decimals (or a whole percent); "n/a" for NaN."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "n/a"
    return f"{x:.0%}" if percent else f"{x:.2f}"
