"""Refuge: evacuation and relocation operations, with the people in them protected."""

__all__: list[str] = []
