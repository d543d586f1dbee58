"""Right-to-left text as printed: each glyph drawn in the PDF, read back from the page's content
stream through the embedded font, is the glyph HarfBuzz gives for the same text with the same font
(shaping: joined letter forms; the bidi algorithm: visual order, mirrored parentheses)."""
import io

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from chalicelib.render.pdf_fonts import CORE_FILES, FONT_DIR
from chalicelib.render.pdf_frame import Frame

ARABIC_FONT = "NotoSansArabic-Bold.ttf"


def printed(text: str) -> bytes:
    pdf = Frame([text])
    pdf.style(9, bold=True)
    pdf.cell(120, 5, text)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def drawn_glyphs(pdf: bytes, font_name_part: str):
    """The names of the glyphs shown in the font whose name contains `font_name_part`, in the order drawn."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = {}
    for key, font in page["/Resources"]["/Font"].items():
        font = font.get_object()
        if font_name_part in str(font["/BaseFont"]):
            cid_font = font["/DescendantFonts"][0].get_object()
            embedded = cid_font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
            fonts[key] = (cid_font["/CIDToGIDMap"].get_object().get_data(),
                          TTFont(io.BytesIO(embedded)).getGlyphOrder())
    names, current = [], None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            current = fonts.get(operands[0])
        elif operator in (b"Tj", b"TJ") and current:
            cid_to_gid, order = current
            shown = operands if operator == b"Tj" else [s for s in operands[0] if not isinstance(s, (int, float))]
            for string in shown:
                data = bytes(string.original_bytes)
                for i in range(0, len(data), 2):
                    gid = int.from_bytes(cid_to_gid[2 * int.from_bytes(data[i:i + 2], "big"):][:2], "big")
                    names.append(order[gid])
    return names


def shaped_glyphs(text: str, font_file: str, keep):
    """HarfBuzz's glyphs (visual order) for `text` in `font_file`, of the characters `keep` accepts."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(FONT_DIR / font_file))))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()  # right to left, from the text's first strong character
    hb.shape(font, buffer, {})
    order = TTFont(FONT_DIR / font_file).getGlyphOrder()
    return [order[glyph.codepoint] for glyph in buffer.glyph_infos if keep(text[glyph.cluster])]


def is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff"


@pytest.mark.parametrize("text", ["شركة الأمل (استشارات)", "استشارات (شركة) 2026"])
def test_arabic_is_shaped_ordered_and_mirrored_as_harfbuzz_shapes_it(text):
    pdf = printed(text)
    assert drawn_glyphs(pdf, "Arabic") == shaped_glyphs(text, ARABIC_FONT, is_arabic)
    parentheses = [name for name in drawn_glyphs(pdf, "NotoSans") if name.startswith("paren")]
    assert parentheses == shaped_glyphs(text, CORE_FILES["B"], lambda char: char in "()")
    assert parentheses == ["parenleft", "parenright"]  # mirrored: "(" drawn on the left of a right-to-left run
