"""A realistic synthetic agency for demos, tests and benchmarks (``create_demo``)."""
