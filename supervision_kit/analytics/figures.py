"""Matplotlib figures drawn off-screen and their PNG bytes.

A ``Figure`` with its own Agg canvas keeps pyplot's global state out of kernels, threads
and PDF batches; matplotlib is imported on first use.
"""
from __future__ import annotations

import io


def new_figure(width: float, height: float, dpi: int = 100):
    """An off-screen figure of ``width`` × ``height`` inches."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        raise ImportError("charts need matplotlib: pip install matplotlib") from None
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def to_png(fig, *, dpi: int | None = None, tight: bool = False) -> bytes:
    """The figure as PNG bytes (at the figure's own dpi unless ``dpi``); ``tight`` trims
    the margins to what is drawn."""
    buf = io.BytesIO()
    # zlib level 1: a third of a timeline's drawing time went to level 6's compression,
    # for files only a tenth smaller (they go to a browser or into a PDF) [issue 15].
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi, bbox_inches="tight" if tight else None,
                pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def empty_chart(note: str, width: float = 8.0, height: float = 3.0) -> bytes:
    """A chart-sized PNG that says ``note`` in the middle (nothing to plot yet)."""
    fig = new_figure(width, height)
    ax = fig.add_subplot(1, 1, 1)
    ax.axis("off")
    ax.text(0.5, 0.5, note, ha="center", va="center")
    return to_png(fig, tight=True)
