"""Presentation layer: display blocks, tables, charts, maps and network drawings.

Presentation takes data and returns objects; it never reads files. The blocks are
re-exported here (``from ccdata import present; present.table(...)``); maps and the
network drawing are imported from their modules (they need folium).
"""
from ccdata.present.blocks import (  # noqa: F401
    NOTICE_KINDS,
    Block,
    DisclosureError,
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
