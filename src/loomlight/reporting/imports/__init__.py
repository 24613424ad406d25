"""Excel template and import of monthly activity values.

One file per facility, all or nothing, in small steps:

- ``template.py`` builds the downloadable workbook (sheets *data*, *metrics*, *about*);
- ``reader.py`` opens an upload and streams the rows of its *data* sheet, refusing
  files that are not this template (size, format, marker, columns, merged cells);
- ``parse.py`` (no Django) opens a workbook without parsing sheets it does not need and
  parses a sheet's rows, in this process or, for a large sheet, in a child process;
- ``validate.py`` checks one row at a time (facility, month, metric, qualifier,
  value, unit) and converts the value to its metric's canonical unit;
- ``writer.py`` is the service ``activity_values_import``: check the whole file
  first, then store every value in one transaction with its audit events;
- ``report.py`` writes the error report (.csv, .xlsx);
- ``jobs.py`` holds ``ImportJob``, the record of a background import and its progress.
"""
