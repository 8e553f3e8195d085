"""Every kind of file a place may name under ``local:`` in ``places.yaml``: one table, each kind with its reader.

A local kind is a ``places.yaml`` key, what the file is (in plain words), the function
of :mod:`ccdata.io.local` that reads it, and whether it is one file or a folder of
files. :data:`LOCAL_KINDS` declares them all, once, in the layer that reads them; the
place definitions (:mod:`ccdata.geo.placeschema`) and ``Place.local_path`` take the kinds
from here. A new kind of local file is its reader plus one :class:`LocalKind` here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable

from ccdata.errors import CcdataError
from ccdata.io.local import assets, codebook, conversations, network, outcomes, pupils, quotes, survey


@dataclass(frozen=True)
class LocalKind:
    """A kind of file a place may name under ``local:`` in ``places.yaml``.

    ``name`` is the ``places.yaml`` key, ``about`` says in plain words what the file is,
    ``reader`` is the function that reads it and ``folder`` is true for a folder of files
    (one per school, say) rather than one file.
    """

    name: str
    about: str
    reader: Callable
    folder: bool = False

    def __post_init__(self):
        if not isinstance(self.name, str) or not re.fullmatch(r"[a-z][a-z_]*", self.name):
            raise ValueError(f"a local kind is named in lower case letters and underscores, not {self.name!r}")
        if not isinstance(self.about, str) or not self.about.strip():
            raise ValueError(f"local kind {self.name!r} needs a description of its file")
        if not callable(self.reader):
            raise TypeError(f"local kind {self.name!r}: reader must be callable, not {type(self.reader).__name__}")


def assemble(kinds) -> MappingProxyType:
    """``{kind name: LocalKind}`` in the order given; each name once.

    Raises
    ------
    CcdataError
        An entry that is not a :class:`LocalKind`, or a name declared twice (both readers named).
    """
    out: dict[str, LocalKind] = {}
    for kind in kinds:
        if not isinstance(kind, LocalKind):
            raise CcdataError(f"a local kind must be a LocalKind, not {type(kind).__name__}")
        if kind.name in out:
            first = out[kind.name].reader
            raise CcdataError(f"local kind {kind.name!r} is declared twice: read by {first.__module__}."
                              f"{first.__qualname__} and {kind.reader.__module__}.{kind.reader.__qualname__}")
        out[kind.name] = kind
    return MappingProxyType(out)


#: Every local kind, by the name a place gives it under ``local:``, in the order places.yaml lists them.
LOCAL_KINDS = assemble((
    LocalKind("assets", "the partnership's own list of services, groups and places for children (CSV or XLSX)",
              assets.load_asset_list),
    LocalKind("survey_responses", "the listening survey's responses as the survey tool exports them, one row "
              "per respondent", survey.read_responses),
    LocalKind("survey_questions", "the listening survey's questions: id, wording, type, options and the "
              "positive answers", survey.load_questions),
    LocalKind("pupils", "a folder of pupil extracts from partner schools, one CSV per school, one row per pupil",
              pupils.read_school, folder=True),
    LocalKind("organisations", "the relationship survey's organisations: id, name, sector and where they are",
              network.read_organisations),
    LocalKind("relationships", "the relationship survey export: who works with whom, how and how often, by wave",
              network.read_relationships),
    LocalKind("conversations", "listening conversations: one row per conversation, a few fields and a "
              "free-text note", conversations.read_conversations),
    LocalKind("codebook", "the themes conversations are coded to and the words that spot them (YAML, CSV or XLSX)",
              codebook.load_codebook),
    LocalKind("quotes", "quotes people agreed to have shown, each with its theme and consent", quotes.read_quotes),
    LocalKind("names", "the names of people and organisations a quote shown must not contain", quotes.read_names),
    LocalKind("outcomes", "the figures schools and the local authority share each year: outcome, period, area, "
              "figures", outcomes.read_outcomes),
))
