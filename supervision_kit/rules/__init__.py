"""Rules engine: what is due, overdue and drifting, computed over pandas frames of the store."""
