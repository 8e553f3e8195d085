"""Every kind of file a place may name under ``local:`` in ``places.yaml``, each declared beside its reader.

Each reader module of :mod:`ccdata.io.local` declares the kinds it reads
(``KINDS``, a tuple of :class:`~ccdata.io.local.LocalKind`: name, what the file is, its
reader, file or folder); :data:`LOCAL_KINDS` assembles them from the modules listed in
:data:`LOCAL_MODULES`. The place definitions (:mod:`ccdata.geo.placeschema`) and
``Place.local_path`` take the kinds from here, so a new kind of local file is one
declaration beside its reader plus one line here.
"""
from __future__ import annotations

from types import MappingProxyType, ModuleType

from ccdata.errors import CcdataError
from ccdata.io.local import (
    LocalKind,
    assets,
    codebook,
    conversations,
    network,
    outcomes,
    pupils,
    quotes,
    survey,
)

#: The reader modules that declare local kinds, in the order the kinds are listed.
LOCAL_MODULES: tuple[ModuleType, ...] = (assets, survey, pupils, network, conversations, codebook, quotes,
                                         outcomes)


def assemble(modules) -> MappingProxyType:
    """``{kind name: LocalKind}`` from the ``KINDS`` of each module, in order; each name once.

    Raises
    ------
    CcdataError
        A module without ``KINDS``, an entry that is not a :class:`LocalKind`, or a kind
        declared twice (both modules named).
    """
    out: dict[str, LocalKind] = {}
    where: dict[str, str] = {}
    for module in modules:
        declared = getattr(module, "KINDS", None)
        if not isinstance(declared, tuple) or not declared:
            raise CcdataError(f"{module.__name__} declares no KINDS (the local files it reads)")
        for kind in declared:
            if not isinstance(kind, LocalKind):
                raise CcdataError(f"{module.__name__}.KINDS holds {type(kind).__name__}, not LocalKind")
            if kind.name in out:
                raise CcdataError(f"local kind {kind.name!r} is declared twice: in {where[kind.name]} "
                                  f"and {module.__name__}")
            out[kind.name], where[kind.name] = kind, module.__name__
    return MappingProxyType(out)


#: Every local kind, by the name a place gives it under ``local:``.
LOCAL_KINDS = assemble(LOCAL_MODULES)
