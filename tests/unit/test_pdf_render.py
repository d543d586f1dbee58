"""The PDF layer's shortcuts: whole embedded core fonts, fallback fonts only where needed, and the
fast cell path placing text exactly where fpdf2's cell() does. Read back with pypdf."""
import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from chalicelib.render.document_pdf import render_document_pdf
from chalicelib.render.pdf_fonts import CORE_FILES, FONT_DIR, needed_fallbacks
from chalicelib.render.pdf_frame import Frame

SAMPLE = json.loads((Path(__file__).parent / "sample_invoice.json").read_text())


def embedded_fonts(pdf: bytes):
    """[(font name, length of its embedded file)] of every page."""
    found = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            found.append((str(font["/BaseFont"]), int(descriptor["/FontFile2"].get_object()["/Length1"])))
    return found


def test_a_latin_document_embeds_the_two_core_fonts_whole_and_nothing_else():
    fonts = embedded_fonts(render_document_pdf(SAMPLE, "INVOICE"))
    sizes = sorted((FONT_DIR / name).stat().st_size for name in CORE_FILES.values())
    assert sorted(length for _, length in fonts) == sizes


@pytest.mark.parametrize("text, families", [
    ("Acme Trading £1,234.50 — “Ltd”", []),
    ("Ωμέγα Αθήνα", ["NotoExt"]),
    ("شركة الأمل", ["NotoArabic"]),
    ("北京公司 株式会社", ["DroidCJK"]),
    ("🎉 party", ["SymbolaEmoji"]),
    ("חברה בע״מ", ["NotoHebrew"]),
    ("देवनागरी कंपनी", ["NotoDevanagari"]),
    ("বাংলা ਪੰਜਾਬੀ ગુજરાતી தமிழ் ไทย", ["NotoBengali", "NotoGurmukhi", "NotoGujarati", "NotoTamil", "NotoThai"]),
    ("شركة 北京 🎉 Ωμέγα", ["NotoExt", "NotoArabic", "DroidCJK", "SymbolaEmoji"]),
])
def test_fallback_fonts_are_added_only_for_the_scripts_used(text, families):
    assert [f.family for f in needed_fallbacks(frozenset(text))] == families


def test_every_script_is_printed_and_each_fallback_is_subset():
    document = dict(SAMPLE, customer={**SAMPLE["customer"], "name": "شركة الأمل 北京公司 🎉 Ωμέγα"})
    pdf = render_document_pdf(document, "INVOICE")
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "北京公司" in text and "Ωμέγα" in text
    fonts = embedded_fonts(pdf)
    assert len(fonts) == 2 + 4  # the core pair, and the four fallbacks (the name is printed bold)
    assert max(length for _, length in fonts[2:]) < 60_000  # the 2.7 MB CJK font: only the glyphs used


@pytest.mark.parametrize("name", ["देवनागरी कंपनी", "חברה בע״מ", "বাংলা", "ਪੰਜਾਬੀ", "ગુજરાતી", "தமிழ் கடை", "ร้านไทย"])
def test_shaped_scripts_print_and_read_back(name):
    document = dict(SAMPLE, customer={**SAMPLE["customer"], "name": name})
    text = PdfReader(BytesIO(render_document_pdf(document, "INVOICE"))).pages[0].extract_text()
    assert all(word in text for word in name.split())


def positions(pdf: FPDF):
    """The text positions ("x y Td") in the page's content stream."""
    return re.findall(r"BT ([\d.]+) ([\d.]+) Td", pdf.pages[1].contents.decode("latin-1"))


@pytest.mark.parametrize("align", ["L", "R", "C"])
@pytest.mark.parametrize("width", [40, 0])
def test_the_fast_cell_puts_text_where_fpdf2s_cell_does(align, width):
    fast, general = Frame(["x"]), Frame(["x"])
    for pdf, cell in ((fast, fast.cell), (general, lambda *a, **k: FPDF.cell(general, *a, **k))):
        pdf.style(9)
        pdf.set_xy(30, 50)
        cell(width, 6, "£1,234.50 Consulting", align=align, new_x="LMARGIN", new_y="NEXT")
        cell(width, 6, "Second line", align=align)
        assert (pdf.x, pdf.y) == (pytest.approx(15 + width if width else 195, abs=0.01), pytest.approx(56))
    assert positions(fast) == positions(general) != []


@pytest.mark.parametrize("color", [(0, 0, 0), (110, 110, 110)])
def test_core_text_writes_what_fpdf2s_text_writes(color):
    """The same operators and glyph codes, escapes included, on a fresh page and after."""
    ours, fpdf2 = Frame(["x"]), Frame(["x"])
    for pdf, text in ((ours, ours.core_text), (fpdf2, lambda *a: FPDF.text(fpdf2, *a))):
        pdf.add_page()  # the font is not yet set on this page
        pdf.style(9, bold=True, color=color)
        text(20, 40, "Smith (UK) Ltd \\ £1,234.50 — “½”")
        pdf.style(8)
        text(25.5, 61.25, "A)(B")
    assert ours.pages[2].contents == fpdf2.pages[2].contents


def test_the_fast_cell_leaves_other_text_to_fpdf2():
    pdf = Frame(["北京"])
    pdf.style(9)
    pdf.cell(40, 6, "北京")
    pdf.cell(40, 6, "Page {nb}")
    text = PdfReader(BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    assert "北京" in text and "Page 1" in text


def test_core_fonts_objects_are_the_same_in_every_document_and_text_still_reads_back():
    first = render_document_pdf(SAMPLE, "INVOICE")
    other = dict(SAMPLE, number="INV-0002", notes="Ünïcödé — “quoted” £€ ½")
    second = render_document_pdf(other, "INVOICE")

    def core_maps(pdf):
        fonts = PdfReader(BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
        return sorted(f.get_object()["/DescendantFonts"][0].get_object()["/CIDToGIDMap"].get_object().get_data()
                      for f in fonts)

    assert core_maps(first) == core_maps(second)
    text = PdfReader(BytesIO(second)).pages[0].extract_text()
    assert "Ünïcödé — “quoted” £€ ½" in text and "INV-0002" in text
