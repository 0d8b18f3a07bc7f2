"""Supervision streams in the rules: one row per supervisee and stream.

A supervisee may hold several active contracts at once, one per stream (management,
safeguarding, clinical, professional, or a preset's own) [HSCB "Definition"; PG41 5;
Havering 1]. A contract without a stream has its preset's ``supervision.stream``. Of two
active contracts in the same stream the latest to start counts. A session counts for
its own stream; one recorded without a stream (before streams existed) counts for each
of its supervisee's streams, which is how single-stream stores go on working unchanged.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..store.frames import Frames, take

KEY_COLUMNS = ["pid", "key", "preset", "note", "stream", "contract_id", "contract_start",
               "contract_supervisor"]


def contract_keys(k: pd.DataFrame, book) -> pd.DataFrame:
    """For each contract row of ``k`` (same order): policy key, preset name, note and
    resolved stream; fills ``book.by_key``."""
    ov = k["overrides"].fillna("{}").astype(object)
    ov = ov.where(~ov.isin(["null", ""]), "{}")
    keys = (k["preset"].fillna(book.default).astype(object) + "|" + ov).to_numpy(dtype=object)
    names, notes, streams = {}, {}, {}
    for key in pd.unique(keys):
        preset, _, overrides = key.partition("|")
        pol, note = book.resolve(preset, overrides)
        book.by_key[key] = pol
        names[key], notes[key] = pol.name, note
        streams[key] = pol.get("supervision.stream") or "management"
    keys = pd.Series(keys, index=k.index, dtype=object)
    own = k["stream"] if "stream" in k else pd.Series(None, index=k.index, dtype=object)
    return pd.DataFrame({"key": keys, "preset": keys.map(names), "note": keys.map(notes),
                         "stream": own.where(own.notna() & (own != ""), keys.map(streams))},
                        index=k.index)


def stream_keys(fr: Frames, book, ids: pd.Series) -> pd.DataFrame:
    """One row per supervisee in ``ids`` and stream (``KEY_COLUMNS``), in the order of
    ``ids``; a supervisee without an active contract has one row on the default preset."""
    ids = pd.Series(ids.to_numpy(dtype=object), dtype=object)
    k = fr.all_contracts if fr.all_contracts is not None else fr.contracts
    k = k[k["supervisee_id"].isin(set(ids))].reset_index(drop=True)
    ck = contract_keys(k, book)
    rows = pd.DataFrame({"pid": k["supervisee_id"].to_numpy(dtype=object),
                         "key": ck["key"].to_numpy(dtype=object),
                         "preset": ck["preset"].to_numpy(dtype=object),
                         "note": ck["note"].to_numpy(dtype=object),
                         "stream": ck["stream"].to_numpy(dtype=object),
                         "contract_id": k["id"].to_numpy(dtype=object),
                         "contract_start": k["start_date"].to_numpy(),
                         "contract_supervisor": k["supervisor_id"].to_numpy(dtype=object)})
    # Of two in one stream the latest to start counts.
    rows = rows.assign(_s=k["start_date"].to_numpy()).sort_values(["pid", "_s"], kind="stable")
    rows = rows.drop_duplicates(["pid", "stream"], keep="last").drop(columns="_s")
    bare = ids[~ids.isin(set(rows["pid"]))]
    if len(bare):
        default_key = f"{book.default}|{{}}"
        pol, note = book.resolve(book.default, "{}")
        book.by_key[default_key] = pol
        n = len(bare)
        rows = pd.concat([rows, pd.DataFrame({
            "pid": bare.to_numpy(), "key": [default_key] * n, "preset": [pol.name] * n,
            "note": [note] * n, "stream": [pol.get("supervision.stream") or "management"] * n,
            "contract_id": [None] * n,
            "contract_start": np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
            "contract_supervisor": [None] * n})], ignore_index=True)
    order = pd.Series(np.arange(len(ids)), index=pd.Index(ids, dtype=object))
    pos = take(order, order.index.get_indexer(pd.Index(rows["pid"], dtype=object)))
    rows = rows.assign(_o=pos).sort_values(["_o", "stream"], kind="stable")
    return rows.drop(columns="_o").reset_index(drop=True)[KEY_COLUMNS]


def matching(pk: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """``events`` (with ``pid`` and ``stream``) joined to the rows of ``pk`` they count for:
    the same person and stream, or no stream at all; ``row`` is the position in ``pk``."""
    rows = pd.DataFrame({"row": np.arange(len(pk)), "pid": pk["pid"].to_numpy(dtype=object),
                         "row_key": pk["key"].to_numpy(dtype=object),
                         "row_stream": pk["stream"].to_numpy(dtype=object)})
    m = rows.merge(events, on="pid", how="inner")
    s = m["stream"]
    return m[s.isna() | (s == "") | (s == m["row_stream"])]
