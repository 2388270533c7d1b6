"""Text normalisation shared by the reader, the checker and the importer."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def normalise_label(text: str) -> str:
    """Compare labels after unifying bracket width, quotes, spaces and line breaks.

    Published copies mix "（一）" and "(一)", "“三安全一稳定”" and plain quotes,
    and break long labels across lines ("商业\\n企业").
    """
    t = unicodedata.normalize("NFKC", text or "")  # full-width brackets/colons → ASCII
    t = t.translate(_QUOTES)
    return _SPACES.sub("", t)
