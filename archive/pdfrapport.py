"""The house style of the PDF reports with a table of zaken (the closing report of a
department, the verklaring van vernietiging): landscape A4, a header row in the
Rijkshuisstijl blue, a thin grid. In archive so that both archive and retention use it.

reportlab is imported when a report is made, not when the module is loaded.
"""

from __future__ import annotations

import io
from typing import Any


def esc(text: str) -> str:
    """Text for a reportlab Paragraph (which reads a little XML)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def styles():
    """The style sheet the reports' paragraphs use (``Title``, ``Normal``, ``BodyText``)."""
    from reportlab.lib.styles import getSampleStyleSheet

    return getSampleStyleSheet()


def zaken_table(data: list[list[Any]], col_widths: list[float]):
    """The table of zaken: ``data[0]`` is the header row, repeated on every page."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(data, repeatRows=1, colWidths=col_widths)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#154273")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def build(story: list, *, title: str, subject: str | None = None) -> bytes:
    """The PDF of ``story`` on landscape A4, with its title (and subject) as metadata."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    metadata = {"subject": subject} if subject is not None else {}
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), title=title, author="Dossierhuis", **metadata
    )
    doc.build(story)
    return buffer.getvalue()
