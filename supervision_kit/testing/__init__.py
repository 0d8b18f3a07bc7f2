"""Helpers shared by tests and benchmarks (a throwaway PostgreSQL server)."""
