"""The catalog: everything read from ``templates/`` (policy presets, calendars,
reflective frameworks, training vignettes, training levels), validated, as plain data."""
