"""The national report format as data (see ``format2021``)."""

from .format2021 import FORMAT_2021
from .model import (FormatSpec, GridCell, IdentityInstance, IdentitySpec, SectionSpec,
                    numbered_headings,
                    TableSpec, TextPart, ValueCell)

FORMATS = {FORMAT_2021.id: FORMAT_2021}
DEFAULT_FORMAT = FORMAT_2021

__all__ = ["DEFAULT_FORMAT", "FORMATS", "FORMAT_2021", "FormatSpec", "GridCell",
           "IdentityInstance", "IdentitySpec", "SectionSpec", "TableSpec", "TextPart",
           "ValueCell", "numbered_headings"]
