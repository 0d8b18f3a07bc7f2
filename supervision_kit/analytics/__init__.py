"""Analytics: plain functions over pandas frames (agreement statistics, research charts)."""
