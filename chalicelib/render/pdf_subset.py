"""Fonts parsed once per process and subset per document by HarfBuzz, for the fonts a document
adds beyond the fixed core fonts (the fallbacks for other scripts; the core fonts too when
HarfBuzz shapes the text).

fpdf2's `add_font()` parses a whole font for every document (half a second for the CJK font's
two styles), and its `output()` subsets it with fontTools, which changes the parsed font in
place, so a parsed font cannot simply be shared. Here each font is parsed once per process: a
template whose character map, widths and glyph ids layout only reads. A document gets a
clone with its own glyph subset map, whose `ttfont` is a `SharedFont`: reads go to the
template's parsed font; at output the glyphs the document used are cut from a HarfBuzz face
of the same file (hb-subset: a millisecond where fontTools takes 160 ms for the CJK font),
and fpdf2 embeds that cut and numbers its glyphs by it.
"""
import copy
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Optional

import uharfbuzz as hb
from fpdf import FPDF
from fpdf.fonts import HarfBuzzFont, SubsetMap, TTFFont

# The tables fpdf2 drops from an embedded subset (fpdf.output: layout and colour tables a PDF
# does not use).
DROPPED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC",
                  "EBSC", "SVG ", "CPAL", "COLR")


class SharedFont:
    """A document's view of a template's parsed font (fontTools TTFont): read-only, plus its cut."""

    def __init__(self, parsed, face: hb.Face):
        self._parsed, self._face = parsed, face
        self._cut: Optional[bytes] = None
        self._new_ids: Dict[int, int] = {}

    def __getattr__(self, name):  # getGlyphName, getGlyphOrder, ... of the parsed font
        return getattr(self._parsed, name)

    def __contains__(self, tag: str) -> bool:
        return tag in self._parsed

    def __getitem__(self, tag: str):
        return self._parsed[tag]

    def cut(self, glyph_names: Iterable[str]) -> None:
        """Keep only these glyphs (and those they are built from); what fpdf2's subsetting does."""
        wanted = hb.SubsetInput()
        wanted.glyph_set.update(self._parsed.getGlyphID(name) for name in glyph_names)
        wanted.drop_table_tag_set.update(_tag(name) for name in DROPPED_TABLES)
        wanted.flags = hb.SubsetFlags.NOTDEF_OUTLINE
        plan = hb.SubsetPlan(self._face, wanted)
        self._new_ids = dict(plan.old_to_new_glyph_mapping)
        self._cut = bytes(plan.execute().blob.data)

    def getGlyphID(self, name: str) -> int:  # noqa: N802 (fontTools' name)
        """A glyph's id: in the cut once made (fpdf2 maps its codes to them), else in the font."""
        found = self._parsed.getGlyphID(name)
        return self._new_ids[found] if self._cut is not None else found

    def save(self, out, *args, **kwargs) -> None:
        out.write(self._cut)


def add_shared_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """What `pdf.add_font(family, style, path)` does, from the process's parsed template."""
    template = _template(path, style)
    font = copy.copy(template)
    font.fontkey = f"{family.lower()}{style}"
    font.i = len(pdf.fonts) + 1
    font.desc = copy.copy(template.desc)  # output() gives it this document's object id
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.ttfont = SharedFont(template.ttfont, _face(path))
    font._hbfont = HarfBuzzFont(_face(path))  # a document's own, for its type sizes; the face is shared
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font


@lru_cache(maxsize=None)
def _template(path: Path, style: str) -> TTFFont:
    return TTFFont(FPDF(), path, f"template{style}", style)


@lru_cache(maxsize=None)
def _face(path: Path) -> hb.Face:
    return hb.Face(hb.Blob(path.read_bytes()))


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")
