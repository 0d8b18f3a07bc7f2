"""Pure domain: enums, records and their validation (no storage, no widgets)."""
