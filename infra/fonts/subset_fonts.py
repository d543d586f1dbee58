"""Rebuild the pre-subset fonts in chalicelib/render/fonts/ from Debian's font packages.

Run once by hand when the coverage should change (the output is committed, so neither
the Lambda nor the tests parse a full font):

    apt-get download fonts-noto-core fonts-droid-fallback fonts-symbola
    for f in *.deb; do dpkg-deb -x "$f" x; done
    python infra/fonts/subset_fonts.py x/usr/share/fonts/truetype

Each source font keeps only the Unicode blocks it is used for, and only the scripts HarfBuzz
shapes (Arabic, Hebrew, the Indic scripts, Thai) keep their OpenType layout tables (fpdf2
drops them from the others anyway).
"""
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parents[2] / "chalicelib" / "render" / "fonts"

LATIN_GREEK_CYRILLIC = [(0x20, 0x24F), (0x250, 0x2FF), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1EFF),
                        (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2150, 0x218F),
                        (0x2190, 0x21FF), (0x2212, 0x2212), (0xFB00, 0xFB06), (0xFFFD, 0xFFFD)]
ARABIC = [(0x20, 0x40), (0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)]
CJK = [(0x3000, 0x30FF), (0x3100, 0x312F), (0x3130, 0x318F), (0x31F0, 0x31FF), (0x4E00, 0x9FFF),
       (0xAC00, 0xD7AF), (0xFF00, 0xFFEF)]
# Scripts shaped by HarfBuzz (reordering, conjuncts, marks, right to left), each with the
# joiners and the dotted circle its shaping may use.
SHAPING_MARKS = [(0x200C, 0x200F), (0x25CC, 0x25CC)]
HEBREW = [(0x591, 0x5F4), (0xFB1D, 0xFB4F)] + SHAPING_MARKS
DEVANAGARI = [(0x900, 0x97F), (0xA8E0, 0xA8FF)] + SHAPING_MARKS
BENGALI = [(0x980, 0x9FF)] + SHAPING_MARKS
GURMUKHI = [(0xA00, 0xA7F)] + SHAPING_MARKS
GUJARATI = [(0xA80, 0xAFF)] + SHAPING_MARKS
TAMIL = [(0xB80, 0xBFF)] + SHAPING_MARKS
THAI = [(0xE00, 0xE7F)] + SHAPING_MARKS
EMOJI_AND_SYMBOLS = [(0x2300, 0x23FF), (0x2460, 0x24FF), (0x2500, 0x27BF), (0x2900, 0x2BFF),
                     (0x1F000, 0x1F0FF), (0x1F300, 0x1F6FF), (0x1F900, 0x1F9FF)]

# The core fonts are embedded whole in every PDF (so no document subsets them):
# only what Western European invoices use, about 20 KiB each.
CORE = [(0x20, 0x7E), (0xA0, 0x17F), (0x2013, 0x2014), (0x2018, 0x201E), (0x2020, 0x2022), (0x2026, 0x2026),
        (0x2030, 0x2030), (0x2039, 0x203A), (0x20AC, 0x20AC), (0x20B9, 0x20BA), (0x2116, 0x2116),
        (0x2122, 0x2122), (0x2212, 0x2212)]

FONTS = [  # (source, output, blocks, keep OpenType layout)
    ("noto/NotoSans-Regular.ttf", "NotoSans-Core-Regular.ttf", CORE, False),
    ("noto/NotoSans-Bold.ttf", "NotoSans-Core-Bold.ttf", CORE, False),
    ("noto/NotoSans-Regular.ttf", "NotoSans-Regular.ttf", LATIN_GREEK_CYRILLIC, False),
    ("noto/NotoSans-Bold.ttf", "NotoSans-Bold.ttf", LATIN_GREEK_CYRILLIC, False),
    ("noto/NotoSansArabic-Regular.ttf", "NotoSansArabic-Regular.ttf", ARABIC, True),
    ("noto/NotoSansArabic-Bold.ttf", "NotoSansArabic-Bold.ttf", ARABIC, True),
    *[(f"noto/NotoSans{script}-{weight}.ttf", f"NotoSans{script}-{weight}.ttf", blocks, True)
      for script, blocks in (("Hebrew", HEBREW), ("Devanagari", DEVANAGARI), ("Bengali", BENGALI),
                             ("Gurmukhi", GURMUKHI), ("Gujarati", GUJARATI), ("Tamil", TAMIL), ("Thai", THAI))
      for weight in ("Regular", "Bold")],
    ("droid/DroidSansFallbackFull.ttf", "DroidSansFallback-CJK.ttf", CJK, False),
    ("ancient-scripts/Symbola_hint.ttf", "Symbola-Emoji.ttf", EMOJI_AND_SYMBOLS, False),
]


def codepoints(blocks):
    return [cp for start, end in blocks for cp in range(start, end + 1)]


def subset_font(source: Path, target: Path, blocks, layout: bool) -> None:
    options = subset.Options()
    if layout:
        options.layout_features = ["*"]  # keep shaping (init/medi/fina/liga) for Arabic
    else:
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern"]
    options.name_IDs = ["*"]  # keep the copyright and licence names
    options.hinting = False
    options.notdef_outline = True
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints(blocks))
    subsetter.subset(font)
    font.save(target)
    print(f"{target.name}: {target.stat().st_size // 1024} KiB")


def main(source_dir: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for source, target, blocks, layout in FONTS:
        subset_font(Path(source_dir) / source, OUT / target, blocks, layout)


if __name__ == "__main__":
    main(sys.argv[1])
