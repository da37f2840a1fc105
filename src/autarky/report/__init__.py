"""Figures, maps and the self-contained HTML report: the only place plotting is imported.

``build_report(...)`` returns one HTML document that opens offline: plotly.js is inlined,
country shapes come from the package (``autarky.data.shapes``), and every name from the
data is escaped. ``write_figures(...)`` writes static PNG/SVG figures for papers.
"""

from __future__ import annotations

from autarky.report.build import elasticity_range, report_input
from autarky.report.claims import claims_page, claims_report, claims_section
from autarky.report.figures import write_figures
from autarky.report.html import ReportInput, build_report, write_report

__all__ = ["ReportInput", "build_report", "claims_page", "claims_report",
           "claims_section", "elasticity_range",
           "report_input", "write_figures", "write_report"]
