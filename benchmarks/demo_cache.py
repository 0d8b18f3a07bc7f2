"""The benchmarks' demo stores: one SQLite file per scale under /tmp, generated on first use."""
from __future__ import annotations

import time
from pathlib import Path

CACHE = Path("/tmp/supervision_kit_bench")
# Bumped when the demo generator makes different data (2: one coming meeting per case, not
# one per case per later unit), so a store cached by an older generator is not reused.
GENERATION = 2


def demo_db(scale: int) -> Path:
    """The cached demo store of this scale (default seed), generated on first use."""
    from supervision_kit.facade import Toolkit
    path = CACHE / f"demo_scale{scale}_g{GENERATION}.sqlite"
    done = path.with_suffix(".complete")
    if not done.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        for p in CACHE.glob(path.name + "*"):
            p.unlink()
        t = time.perf_counter()
        tk = Toolkit.system(path)
        tk.create_demo(scale=scale)
        tk.engine.dispose()
        done.write_text("generated\n")
        print(f"  generated demo scale {scale} in {time.perf_counter() - t:.1f} s -> {path}")
    return path
