"""Presentation layer: display blocks, tables, charts, maps and network drawings.

Presentation takes data and returns objects; it never reads files. The display blocks
(:mod:`ccdata.present.blocks`) are this package's public interface, declared in ``__all__``:
``from ccdata import present; present.table(...)``. Charts, maps and the network drawing
are imported from their modules (maps need folium).
"""
from ccdata.present.blocks import (
    NOTICE_KINDS,
    Block,
    adviser_note,
    bullets,
    esc,
    figure,
    glossary,
    key_findings,
    metrics,
    missing,
    notice,
    personal,
    png_data_uri,
    section_missing_list,
    table,
    table_html,
)

__all__ = ["NOTICE_KINDS", "Block", "adviser_note", "bullets", "esc", "figure", "glossary", "key_findings",
           "metrics", "missing", "notice", "personal", "png_data_uri", "section_missing_list", "table",
           "table_html"]
