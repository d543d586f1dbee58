"""The page every PDF shares: A4, fonts, a DRAFT or VOID mark, a footer, a running title on
continuation pages ("INV-0042, page 2 of 3"), and tables whose header row repeats on each new
page. Laid out with fpdf2's `cell()`."""
from typing import Callable, Iterable, List, NamedTuple, Optional, Sequence

from fpdf import FPDF

from .pdf_columns import fitted
from .pdf_fonts import FAMILY, add_fonts, core_codes, core_font_covers, core_text_units
from .pdf_output import CoreFontOutput

MARGIN = 15
LINE = 4.6  # mm per line of 9 pt text
TABLE_SIZE = 8.5  # points, of a table's cells (its header is half a point smaller)
GREY = (110, 110, 110)
RULE = (200, 200, 200)
MARK = (235, 235, 235)


class Column(NamedTuple):
    title: str
    width: float
    align: str = "L"  # "L" or "R"
    wraps: bool = False  # long text wraps onto more lines instead of being cut


class Frame(FPDF):
    def __init__(self, texts: Iterable[str], footer: str = "", mark: Optional[str] = None,
                 orientation: str = "P", running_title: str = ""):
        """`texts`: every string the document will print, so the fonts they need are added.
        `running_title`: what names the document at the top of its second and later pages."""
        super().__init__(orientation=orientation, format="A4")
        add_fonts(self, texts)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        self.footer_text = footer
        self.mark = mark
        self.running_title = running_title
        self.alias_nb_pages()
        self.add_page()

    def cell(self, w=None, h=None, text="", border=0, align="L", new_x="RIGHT", new_y="TOP", **more):
        """fpdf2's cell(), with a fast path for the plain case that is nearly every cell here:
        one line in the core font, no border, fill or link. fpdf2's general cell (fragments,
        fallback fonts, shaping) costs about 14 times its text(); the fast path places the
        text exactly where cell() would (same padding, alignment and baseline)."""
        if (more or border or w is None or h is None or self.text_shaping or not core_font_covers(text)
                or self.str_alias_nb_pages in text):  # cell() fills in the page count
            drawn = super().cell(w, h, text, border=border, align=align, new_x=new_x, new_y=new_y, **more)
            # fpdf2 may have chosen a fallback font inside a saved graphics state (q ... Q): the font
            # in force afterwards is not what it records, so the fast path must select its own again.
            self.current_font_is_set_on_page = False
            return drawn
        if self.will_page_break(h):
            self._perform_page_break()  # as cell() does: keeps x, starts the next page
        width = w or self.w - self.r_margin - self.x
        if text:
            if align == "R":
                dx = width - self.c_margin - self.plain_width(text)
            elif align == "C":
                dx = (width - self.plain_width(text)) / 2
            else:
                dx = self.c_margin
            self.core_text(self.x + dx, self.y + 0.5 * h + 0.3 * self.font_size, text)
        self.x = self.l_margin if new_x == "LMARGIN" else self.x + width
        if new_y == "NEXT":
            self.y += h
        return False

    def core_text(self, x: float, y: float, text: str) -> None:
        """fpdf2's text() for text in the core font, writing the same operators from a table of
        the font's codes (fpdf2 encodes, escapes and checks each string anew). Frame never
        underlines, strikes through or changes the text mode, which text() would also handle."""
        font = self.current_font
        if not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(font, self.font_size_pt))
        codes = core_codes(font.fontkey)
        shown = f"BT {x * self.k:.2f} {(self.h - y) * self.k:.2f} Td ({''.join([codes[c] for c in text])}) Tj ET"
        if self.fill_color != self.text_color:
            shown = f"q {self.text_color.serialize().lower()} {shown} Q"
        self._out(shown)

    def plain_width(self, text: str) -> float:
        """get_string_width() for text in the core font, without building fpdf2's fragments."""
        return core_text_units(self.current_font.fontkey, text) * self.font_size / 1000

    def output(self, *args, **kwargs):
        return super().output(*args, output_producer_class=CoreFontOutput, **kwargs)

    @property
    def content_width(self) -> float:
        return self.w - 2 * MARGIN

    def header(self):
        if self.mark:  # under the content, across the page
            self.set_font(FAMILY, "B", 90)
            self.set_text_color(*MARK)
            with self.rotation(35, self.w / 2, self.h / 2):
                self.text(self.w / 2 - self.get_string_width(self.mark) / 2, self.h / 2 + 12, self.mark)
            self.set_text_color(0)
        self.set_y(MARGIN)
        if self.running_title and self.page_no() > 1:
            self.style(8, bold=True, color=GREY)
            self.cell(0, LINE, f"{self.running_title}, page {self.page_no()} of {{nb}}", new_x="LMARGIN",
                      new_y="NEXT")
            self.ln(2)

    def footer(self):
        self.set_y(-MARGIN)
        self.style(7, color=GREY)
        self.cell(self.content_width * 0.75, 4, self.footer_text)
        self.cell(self.content_width * 0.25, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    def style(self, size: float = 9, bold: bool = False, color=(0, 0, 0)) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*color)

    def lines_at(self, x: float, y: float, width: float, lines: Sequence[str], align: str = "L",
                 first_bold: bool = False) -> float:
        """Print lines from (x, y), each wrapped to `width` if it is too long for it; returns the y below them."""
        for i, text in enumerate(lines):
            self.style(9, bold=first_bold and i == 0)
            for part in self._wrapped(Column("", width, wraps=True), text):
                self.set_xy(x, y)
                self.cell(width, LINE, part, align=align)
                y += LINE
        return y

    def pairs(self, x: float, width: float, pairs: Sequence[tuple], label_width: float,
              bold_last: bool = False) -> None:
        """Label and value rows, values right-aligned (totals, document details)."""
        for i, (label, value) in enumerate(pairs):
            bold = bold_last and i == len(pairs) - 1
            self.set_x(x)
            self.style(9, bold=bold, color=(0, 0, 0) if bold else GREY)
            self.cell(label_width, LINE + 0.6, label)
            self.style(9, bold=bold)
            self.cell(width - label_width, LINE + 0.6, value, align="R", new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str) -> None:
        """Text across the page, on as many lines as it needs, from the left margin."""
        for line in self._wrapped(Column("", self.content_width, wraps=True), text):
            self.cell(self.content_width, LINE, line, new_x="LMARGIN", new_y="NEXT")

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[str]],
              emphasis: Callable[[int], bool] = lambda i: False, set_widths_are_minimums: bool = True) -> None:
        """Rows of cells under a header row that is repeated after every page break; the columns
        are sized from what they hold (pdf_columns.py), emphasised rows in bold."""
        rows = list(rows)
        columns, size = fitted(self, columns, rows, emphasis, TABLE_SIZE, set_widths_are_minimums)
        self._table_header(columns, size)
        for index, row in enumerate(rows):
            bold = emphasis(index)
            self.style(size, bold=bold)
            cells = [self._wrapped(col, text) for col, text in zip(columns, row)]
            height = max(len(lines) for lines in cells) * LINE
            if self.will_page_break(height + 1):
                self.add_page()
                self._table_header(columns, size)
                self.style(size, bold=bold)
            self._table_row(columns, cells, height)

    def _table_header(self, columns: Sequence[Column], size: float) -> None:
        self.style(size - 0.5, bold=True, color=GREY)
        x, y = self.l_margin, self.get_y()
        for col in columns:
            self.cell(col.width, LINE + 1.5, col.title, align=col.align)
        self.set_draw_color(*RULE)
        self.line(x, y + LINE + 1.5, self.x, y + LINE + 1.5)  # one rule under the titles
        self.ln(LINE + 2)
        self.set_text_color(0)

    def _table_row(self, columns: Sequence[Column], cells: List[List[str]], height: float) -> None:
        x, y = self.l_margin, self.get_y()
        for col, lines in zip(columns, cells):
            for i, text in enumerate(lines):
                if text:  # an empty cell draws nothing
                    self.set_xy(x, y + i * LINE)
                    self.cell(col.width, LINE, text, align=col.align)
            x += col.width
        self.set_draw_color(*RULE)
        self.line(self.l_margin, y + height + 0.4, self.l_margin + sum(c.width for c in columns), y + height + 0.4)
        self.set_xy(self.l_margin, y + height + 0.8)

    def text_width(self, text: str) -> float:
        """The width of one line of `text` in the current font."""
        return self.plain_width(text) if core_font_covers(text) else self.get_string_width(text)

    def _wrapped(self, column: Column, text: str) -> List[str]:
        """The cell's lines: its own line breaks, and wrapping only where a line is too wide
        (measuring is cheap; fpdf2's wrapping dry run is not)."""
        lines = (text or "").split("\n") if column.wraps else [text or ""]
        if not column.wraps or all(self.text_width(line) <= column.width - 2 for line in lines):
            return lines
        return self.multi_cell(column.width, LINE, text, dry_run=True, output="LINES")
