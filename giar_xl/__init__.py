"""giar-xl: the government information disclosure annual report workbook and checker."""

__version__ = "0.1.0"
