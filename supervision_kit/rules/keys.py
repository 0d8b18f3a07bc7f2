"""Which policy applies to whom: each practitioner's preset key, and per-policy parameters."""
from __future__ import annotations

import pandas as pd

from ..store.frames import Frames, take


def policy_keys(fr: Frames, book, ids: pd.Series) -> pd.DataFrame:
    """For practitioner ``ids`` (same order): preset name, policy key, contract start and
    supervisor of the active contract (the default preset without one), and a note when
    a contract names a preset that does not exist."""
    k = fr.contracts
    ov = k["overrides"].fillna("{}").astype(object)
    ov = ov.where(~ov.isin(["null", ""]), "{}")
    table = pd.DataFrame({"key": (k["preset"].fillna(book.default).astype(object) + "|" + ov)
                          .to_numpy(dtype=object), "contract_start": k["start_date"].to_numpy(),
                          "contract_supervisor": k["supervisor_id"].to_numpy(dtype=object)},
                         index=pd.Index(k["supervisee_id"].to_numpy(dtype=object), dtype=object))
    default_key = f"{book.default}|{{}}"
    pos = table.index.get_indexer(pd.Index(ids.to_numpy(dtype=object), dtype=object))
    keys = pd.Series(take(table["key"], pos), dtype=object).fillna(default_key)
    out = pd.DataFrame({"pid": ids.to_numpy(dtype=object), "key": keys.to_numpy(),
                        "contract_start": take(table["contract_start"], pos),
                        "contract_supervisor": take(table["contract_supervisor"], pos)})
    names, notes = {}, {}
    for key in pd.unique(out["key"]):  # one pass per distinct policy, not per person
        preset, _, overrides = key.partition("|")
        pol, note = book.resolve(preset, overrides)
        book.by_key[key] = pol
        names[key], notes[key] = pol.name, note
    out["preset"] = out["key"].map(names)
    out["note"] = out["key"].map(notes)
    return out


def params(book, keys, fn) -> pd.DataFrame:
    """A frame indexed by policy key with the columns ``fn(policy)`` returns (one row per
    distinct policy, so per-record work stays vectorised)."""
    rows = {k: fn(book.by_key[k]) for k in pd.unique(pd.Series(keys, dtype=object))}
    if not rows:
        return pd.DataFrame(columns=list(fn(book.default_policy())))
    return pd.DataFrame.from_dict(rows, orient="index")


def known_keys(book, keys) -> None:
    """Resolve policy keys (``preset|overrides``) into ``book.by_key`` that are not there
    yet: a rule given another rule's rows may hold a fresh book."""
    for key in pd.unique(pd.Series(keys, dtype=object)):
        if key not in book.by_key:
            preset, _, overrides = key.partition("|")
            book.by_key[key] = book.resolve(preset, overrides)[0]
