"""The fonts of every PDF: parsed once per process, embedded without per-document work.

fpdf2 parses a TrueType font in `add_font` and subsets it with fontTools in
`output`; for a one-page invoice those two steps cost ten times the layout.
So the core fonts (Noto Sans, Latin; about 20 KiB each) are parsed once and
cloned into each document with every glyph's code fixed, and embedded whole:
their subsetting is skipped, and their PDF objects are made once (pdf_output.py).
Fallback fonts (wider Latin, Greek and Cyrillic; Arabic, Hebrew, Devanagari,
Bengali, Gurmukhi, Gujarati, Tamil and Thai, shaped by HarfBuzz; CJK; emoji) are
added only to documents whose text needs them: parsed once per process too, and
subset per document by HarfBuzz (pdf_subset.py).

This leans on fpdf2's internals (TTFFont's and SubsetMap's fields, `fpdf.output.ftsubset`); the
version is pinned and tests/unit/test_pdf_font_reuse.py checks the embedding.
"""
import copy
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, NamedTuple

import fpdf.output
from fontTools import subset as fonttools_subset
from fpdf import FPDF
from fpdf.fonts import TTFFont
from fpdf.util import escape_parens

from .pdf_subset import SharedFont, add_shared_font

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "Noto"


class Fallback(NamedTuple):
    family: str
    regular: str
    bold: str  # the same file when the font has no bold
    shaped: bool  # needs HarfBuzz shaping (joining, right to left)


SHAPED_NOTO = ("Arabic", "Hebrew", "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Tamil", "Thai")
FALLBACKS = (
    Fallback("NotoExt", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", False),
    *(Fallback(f"Noto{script}", f"NotoSans{script}-Regular.ttf", f"NotoSans{script}-Bold.ttf", True)
      for script in SHAPED_NOTO),
    Fallback("DroidCJK", "DroidSansFallback-CJK.ttf", "DroidSansFallback-CJK.ttf", False),
    Fallback("SymbolaEmoji", "Symbola-Emoji.ttf", "Symbola-Emoji.ttf", False),
)
CORE_FILES = {"": "NotoSans-Core-Regular.ttf", "B": "NotoSans-Core-Bold.ttf"}


class _WholeFontSubsetter(fonttools_subset.Subsetter):
    """fpdf2's subsetter, except that fonts marked `embed_whole` are left as they are, and shared
    fonts are cut by HarfBuzz."""

    def subset(self, font):
        if isinstance(font, SharedFont):
            font.cut(self.glyph_names_requested)
        elif not getattr(font, "embed_whole", False):
            super().subset(font)


class _SubsetModule:
    Options = fonttools_subset.Options
    Subsetter = _WholeFontSubsetter


fpdf.output.ftsubset = _SubsetModule




def add_fonts(pdf: FPDF, texts: Iterable[str]) -> None:
    """Give `pdf` the core family, plus the fallbacks the characters of `texts` need."""
    needed = needed_fallbacks(frozenset("".join(texts)))
    shaped = any(f.shaped for f in needed)
    for style in CORE_FILES:
        if shaped:  # HarfBuzz picks glyphs the fixed codes lack (a mirrored parenthesis): subset as used
            add_shared_font(pdf, FAMILY, style, FONT_DIR / CORE_FILES[style])
        else:
            pdf.fonts[_fontkey(FAMILY, style)] = _clone(_core_font(style), pdf)
    for fallback in needed:
        add_shared_font(pdf, fallback.family, "", FONT_DIR / fallback.regular)
        add_shared_font(pdf, fallback.family, "B", FONT_DIR / fallback.bold)
    if needed:
        pdf.set_fallback_fonts([f.family for f in needed], exact_match=False)
    if shaped:
        pdf.set_text_shaping(True)


def needed_fallbacks(chars: FrozenSet[str]) -> List[Fallback]:
    missing = {ord(c) for c in chars if c >= " "} - _coverage(CORE_FILES[""])
    needed = []
    for fallback in FALLBACKS:
        covered = missing & _coverage(fallback.regular)
        if covered:
            needed.append(fallback)
            missing -= covered
    return needed


def core_font_covers(text: str) -> bool:
    return _CORE_CHARS.issuperset(text)


@lru_cache(maxsize=None)
def _coverage(file_name: str) -> FrozenSet[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONT_DIR / file_name, lazy=True).getBestCmap())


@lru_cache(maxsize=None)
def _core_font(style: str) -> TTFFont:
    """The parsed core font, shared by every document; its file is embedded as it is."""
    path = FONT_DIR / CORE_FILES[style]
    font = TTFFont(FPDF(), path, _fontkey(FAMILY, style), style)
    whole_file = path.read_bytes()
    font.ttfont.embed_whole = True
    font.ttfont.save = lambda out, *args, **kwargs: out.write(whole_file)
    for codepoint in sorted(font.cmap):  # every document gives each glyph the same code
        font.subset.pick(codepoint)
    return font


@lru_cache(maxsize=None)
def core_codes(fontkey: str) -> Dict[str, str]:
    """Each character of a core font as it appears in a PDF string: its fixed glyph code as
    two bytes, escaped as fpdf2's TTFFont.encode_text() escapes them."""
    font = _core_font(_style_of(fontkey))
    return {chr(codepoint): escape_parens(chr(font.subset.pick(codepoint)).encode("utf-16-be").decode("latin-1"))
            for codepoint in font.cmap}


@lru_cache(maxsize=8192)
def core_text_units(fontkey: str, text: str) -> float:
    """The advance of `text` in a core font, in thousandths of the type size; documents repeat
    the same short texts (units, rates, amounts), so the sums are kept."""
    widths = _core_font(_style_of(fontkey)).cw
    return sum(map(widths.__getitem__, map(ord, text)))


def _style_of(fontkey: str) -> str:
    return next(style for style in CORE_FILES if _fontkey(FAMILY, style) == fontkey)


def _clone(template: TTFFont, pdf: FPDF) -> TTFFont:
    """A document's own handle on a shared font: its own numbering and glyph subset map."""
    font = copy.copy(template)
    font.desc = copy.copy(template.desc)  # output() gives it this document's object id
    font.i = len(pdf.fonts) + 1
    font.subset = copy.copy(template.subset)
    font.subset.font = font
    font.subset._char_id_per_glyph = dict(template.subset._char_id_per_glyph)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    return font


def _fontkey(family: str, style: str) -> str:
    return f"{family.lower()}{style}"


_CORE_CHARS = frozenset(map(chr, _coverage(CORE_FILES[""]) & _coverage(CORE_FILES["B"])))
