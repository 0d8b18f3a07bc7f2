"""Time-to-interactive of a Voilà app page, measured inside Chromium (used by benchmarks/apps.py).

The clock is the page's own: ``performance.now()`` counts from ``performance.timeOrigin``,
the navigation start, so server-side rendering, kernel start and notebook execution
are all inside the figure, and Python/Playwright overhead is not.
"""

from __future__ import annotations

# Runs in the page on every animation frame until it returns a number: the first
# element matching the selector that is rendered (has layout boxes, i.e. not inside
# Voilà's still-hidden cell container), enabled, and — for text fields — editable.
_READY_JS = """selector => {
    for (const el of document.querySelectorAll(selector)) {
        if (!el.isConnected || el.getClientRects().length === 0) continue;
        if (el.disabled || el.closest('fieldset[disabled]')) continue;
        if ((el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') && el.readOnly) continue;
        return performance.now();
    }
    return false;
}"""


def time_to_interactive(page, url: str, selector: str, timeout_ms: float = 120_000) -> float:
    """Seconds from navigation start to the first ``selector`` match accepting input.

    Navigates ``page`` to ``url`` (returning as soon as the response commits, so
    Playwright's own load wait is not counted) and polls once per frame.
    """
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    handle = page.wait_for_function(_READY_JS, arg=selector, polling="raf", timeout=timeout_ms)
    return float(handle.json_value()) / 1000.0


if __name__ == "__main__":  # `make bench` runs every benchmarks/*.py
    print("helpers for benchmarks/apps.py; nothing to measure on its own")
