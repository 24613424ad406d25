"""Loomlight: an open platform for sustainable-manufacturing programmes."""

__version__ = "0.1.0"
