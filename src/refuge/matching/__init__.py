"""Matching: name normalisation for romanised and Perso-Arabic Dari, Pashto and Arabic names."""

from refuge.matching.romanisation import romanise

__all__ = ["romanise"]
