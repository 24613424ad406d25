"""Loomlight's pure calculation core.

Functions of numbers and tables only: no Django, no I/O, no printing, no network.
tests/calc/test_purity.py proves that importing this package loads no Django.
Names and units follow docs/glossary.md.
"""
