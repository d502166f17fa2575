"""A generator of synthetic operations with known truth, for the demo, tests and benchmarks."""

__all__: list[str] = []
