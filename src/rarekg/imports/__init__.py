"""Imports of CSV files through declared CSVW mappings (:mod:`rarekg.imports.convert`)."""
