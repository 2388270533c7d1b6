"""The county office's side: distribute workbooks, collect them, aggregate, compare years.

- ``units``: the list of reporting units (CSV in UTF-8 or GBK, or .xlsx) and safe file names.
- ``match``: which file belongs to which unit, this year and last year (by 机关名称,
  falling back to the file name).
- ``distribute``: one prefilled workbook per unit, carry-over from last year's reports.
- ``aggregate``: county totals of tables 二–四, streaming over any number of files.
- ``diff``: one unit's year-on-year comparison.
"""
