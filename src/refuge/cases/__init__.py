"""Cases through the pipeline: registering households, moving cases, shredding, summaries."""

__all__: list[str] = []
