"""Charts of the reports as SVG drawn on the server: the page shows it inline (no script,
so nothing for the CSP to allow), and the PDF embeds the same drawing, which xhtml2pdf
hands to svglib (Cyrillic with the DejaVu font registered in portal/pdf.py)."""

import base64

from django.template.loader import render_to_string

# The portal's mark colours (portal.css: --mark-5 … --mark-2), and grey for «н/а».
COLOURS = {
    "excellent": "#2e7d32",
    "good": "#7cb342",
    "satisfactory": "#f0a000",
    "failing": "#b3261e",
    "not_attested": "#8a96a3",
}
WIDTH, LABEL, ROW, GAP, LEGEND = 720, 150, 18, 6, 28
MAX_ROWS = 40


def shares_chart(rows, categories, title):
    """Horizontal bars of 100 %, one per row, split by the rows' shares of each
    category: ``rows`` are (label, [(category, share 0…1)]). The first ``MAX_ROWS``."""
    rows = list(rows)[:MAX_ROWS]
    bar = WIDTH - LABEL - 50
    drawn = []
    for index, (label, shares) in enumerate(rows):
        y = LEGEND + index * (ROW + GAP)
        x, parts = LABEL, []
        for category, share in shares:
            width = round(share * bar, 1)
            if width > 0:
                parts.append({"x": x, "width": width, "colour": COLOURS[category],
                              "title": f"{categories[category]}: {share * 100:.0f} %"})
            x = round(x + width, 1)
        drawn.append({"label": label[:26], "y": y, "text_y": y + ROW - 5, "parts": parts})
    legend, x = [], LABEL
    for category, name in categories.items():
        legend.append({"x": x, "text_x": x + 14, "colour": COLOURS[category],
                       "name": str(name)})
        x += 14 + 8 * len(str(name)) + 16
    height = LEGEND + len(rows) * (ROW + GAP) + 4
    return render_to_string("reports/chart.svg", {
        "title": title, "width": WIDTH, "height": height, "rows": drawn, "legend": legend,
        "row_height": ROW, "label_x": LABEL - 6, "right": WIDTH - 50,
        "grid": [{"x": LABEL + bar * p // 100, "label": f"{p} %"} for p in (0, 50, 100)],
    })


def data_uri(svg):
    """The drawing as an image address for the PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
