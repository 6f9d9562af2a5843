"""PDF documents from HTML templates, with a Cyrillic font.

xhtml2pdf's built-in fonts have no Cyrillic letters (they print as black boxes), so
the DejaVu Sans files shipped in portal/fonts are registered with reportlab once, and
every PDF template uses ``font-family: DejaVuSans``.
"""

import io
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string

FONTS = Path(__file__).resolve().parent / "fonts"


@cache
def register_fonts():
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from xhtml2pdf import default

    pdfmetrics.registerFont(TTFont("DejaVuSans", FONTS / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", FONTS / "DejaVuSans-Bold.ttf"))
    for bold, italic, face in [(0, 0, "DejaVuSans"), (1, 0, "DejaVuSans-Bold"),
                               (0, 1, "DejaVuSans"), (1, 1, "DejaVuSans-Bold")]:
        addMapping("DejaVuSans", bold, italic, face)
    default.DEFAULT_FONT["dejavusans"] = "DejaVuSans"
    # The reports' charts are SVG, drawn by svglib with fonts of its own map.
    from svglib.fonts import register_font

    register_font("DejaVuSans", rlgFontName="DejaVuSans")
    register_font("DejaVu Sans", rlgFontName="DejaVuSans")


def render_pdf(template_name, context):
    """The template rendered to PDF bytes."""
    from xhtml2pdf import pisa

    register_fonts()
    html = render_to_string(template_name, context)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"PDF rendering failed for {template_name}")
    return out.getvalue()
