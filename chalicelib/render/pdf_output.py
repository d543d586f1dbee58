"""fpdf2's PDF output, except that the core fonts' PDF objects are made once per process.

Per embedded TrueType font, fpdf2's `output()` builds a 128 KiB CIDToGIDMap, a
ToUnicode map and a widths array from the glyphs the document used, and
compresses them: about a third of a one-page invoice's time. A core font gives
every document the same codes for the same glyphs (pdf_fonts pre-assigns them
all), so these objects are the same in every document: they are made once, by
fpdf2 itself on a first document, and copied into each later one.
"""
import copy
from functools import lru_cache
from typing import NamedTuple

from fpdf import FPDF
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont
from fpdf.syntax import Name, PDFArray


class WholeFontParts(NamedTuple):
    """What fpdf2 made for a core font; streams are copied, never changed."""
    base_font: str
    missing_width: int
    widths: str
    to_unicode: object
    cid_to_gid_map: object
    font_file: object


class CoreFontOutput(OutputProducer):
    def _add_fonts(self, *args):
        fonts = self.fpdf.fonts
        whole = {key: font for key, font in fonts.items() if getattr(font.ttfont, "embed_whole", False)}
        for key in whole:  # fpdf2 outputs the others as it always does
            del fonts[key]
        try:
            objects = super()._add_fonts(*args)
        finally:
            fonts.update(whole)
        for font in whole.values():
            objects[font.i] = self._add_core_font(font, core_font_parts(font.fontkey))
        return objects

    def _add_core_font(self, font, parts: WholeFontParts) -> PDFFont:
        """The objects fpdf2 adds for a TrueType font, in its order, from the parts made before."""
        composite = PDFFont(subtype="Type0", base_font=parts.base_font, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(subtype="CIDFontType2", base_font=parts.base_font, d_w=parts.missing_width,
                           w=parts.widths)
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        composite.to_unicode = self._add_copy(parts.to_unicode)
        cid_font.c_i_d_system_info = self._add_copy(CIDSystemInfo())
        descriptor = copy.copy(font.desc)
        descriptor.font_name = Name(parts.base_font)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor
        cid_font.c_i_d_to_g_i_d_map = self._add_copy(parts.cid_to_gid_map)
        descriptor.font_file2 = self._add_copy(parts.font_file)
        return composite

    def _add_copy(self, pdf_object):
        copied = copy.copy(pdf_object)
        self._add_pdf_obj(copied, "fonts")
        return copied


@lru_cache(maxsize=None)
def core_font_parts(fontkey: str) -> WholeFontParts:
    """Let fpdf2 output the core font once, alone, and keep what it made."""
    from .pdf_fonts import add_fonts

    pdf = FPDF()
    add_fonts(pdf, [])
    font = pdf.fonts[fontkey]
    composite = OutputProducer(pdf)._add_fonts({}, {}, {})[font.i]
    cid_font = composite.descendant_fonts[0]
    descriptor = cid_font.font_descriptor
    return WholeFontParts(str(composite.base_font), cid_font.d_w, cid_font.w, composite.to_unicode,
                          cid_font.c_i_d_to_g_i_d_map, descriptor.font_file2)
