"""Importing a CSV file of incidents: read, match, check and write each row, and report."""

from csvio.imports.importer import import_incidents
from csvio.imports.report import ImportReport, Problem

__all__ = ["ImportReport", "Problem", "import_incidents"]
