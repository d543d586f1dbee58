"""Fonts parsed once per process and shared by every document, each PDF still embedding the
glyphs of its own text: every character's glyph, found through the PDF's own maps (ToUnicode,
CIDToGIDMap) in the embedded font, has the outline the original font file gives that character."""
import io
import re

from fontTools.ttLib import TTFont
from fpdf.fonts import TTFFont
from pypdf import PdfReader

from chalicelib.render.pdf_fonts import FONT_DIR
from chalicelib.render.pdf_frame import Frame

CHINESE, GREEK, JAPANESE = "北京贸易有限公司 咨询服务", "Συντήρηση συστημάτων", "東京の株式会社 請求書"


def printed(*texts: str) -> bytes:
    pdf = Frame(texts)
    for bold, text in enumerate(texts):
        pdf.style(9, bold=bool(bold % 2))
        pdf.cell(150, 5, text, new_x="LMARGIN", new_y="NEXT")
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def original_fonts():
    """The shipped font files by the name fpdf2 gives an embedded font (the core Latin font and
    the wider one share theirs)."""
    fonts = {}
    for path in sorted(FONT_DIR.glob("*.ttf")):
        font = TTFont(path, lazy=True)
        fonts.setdefault(re.sub("[ ()]", "", font["name"].getBestFullName()), []).append(font)
    return fonts


ORIGINALS = original_fonts()


def outline(font: TTFont, glyph_name: str):
    return list(font["glyf"][glyph_name].getCoordinates(font["glyf"])[0])


def embedded_glyphs(pdf: bytes):
    """(font name, character, outline in the embedded font) for every character each font maps."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        cid_font = font["/DescendantFonts"][0].get_object()
        name = str(font["/BaseFont"]).split("+", 1)[1]
        embedded = TTFont(io.BytesIO(cid_font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()))
        cid_to_gid = cid_font["/CIDToGIDMap"].get_object().get_data()
        to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        pairs = "".join(re.findall(r"beginbfchar(.*?)endbfchar", to_unicode, re.S))
        for code, unicode in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>", pairs):
            if unicode in ("0000", "0020"):  # fpdf2's reserved codes (.notdef, space) in every font
                continue
            gid = int.from_bytes(cid_to_gid[2 * int(code, 16):][:2], "big")
            yield name, chr(int(unicode, 16)), outline(embedded, embedded.getGlyphOrder()[gid])


def check_every_glyph(pdf: bytes, texts) -> None:
    seen = set()
    for name, char, drawn in embedded_glyphs(pdf):
        originals = [font for font in ORIGINALS[name] if ord(char) in font.getBestCmap()]
        assert originals and drawn in [outline(font, font.getBestCmap()[ord(char)]) for font in originals], (name, char)
        seen.add(char)
    assert set("".join(texts)) - {" "} <= seen


def test_each_document_embeds_its_own_glyphs_from_the_shared_fonts():
    for texts in [(CHINESE,), (JAPANESE, GREEK), (CHINESE, JAPANESE)]:  # the first again, after others
        check_every_glyph(printed(*texts), texts)


def test_fallback_fonts_are_parsed_once_per_process(monkeypatch):
    printed(CHINESE, GREEK)  # the fonts' first use in this process
    parsed = []
    real = TTFFont.__init__

    def counted(self, *args, **kwargs):
        parsed.append(args[1])
        real(self, *args, **kwargs)

    monkeypatch.setattr(TTFFont, "__init__", counted)
    check_every_glyph(printed(JAPANESE, GREEK + " αβγ"), (JAPANESE, GREEK + " αβγ"))
    assert parsed == []
