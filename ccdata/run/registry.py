"""The views ``report`` and ``batch`` run: one registry, filled from the views' declarations.

Each view is declared once, in the views layer (:data:`ccdata.views.declared.DECLARED`);
:data:`VIEWS` registers them in that order (the way papermill keeps its engines: one
registry object with ``register`` and ``get``). A view added to the declarations is run,
linked, published and checked by the publish gate with no other change here.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from ccdata import publish
from ccdata.errors import ViewError
from ccdata.publish import Output
from ccdata.views.declared import DECLARED, ViewSpec

_MISSING = object()


class ViewRegistry:
    """The views by name, in the order they were registered (the order of the navigation)."""

    def __init__(self, specs: Iterable[ViewSpec] = ()):
        self._views: dict[str, ViewSpec] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: ViewSpec) -> ViewSpec:
        """Add (or replace, by name) a view; returns it.

        Raises
        ------
        ViewError
            ``spec`` is not a :class:`~ccdata.views.declared.ViewSpec`.
        """
        if not isinstance(spec, ViewSpec):
            raise ViewError(f"a view is declared as a ViewSpec, not {type(spec).__name__}")
        self._views[spec.name] = spec
        return spec

    def get(self, name: str, default=_MISSING) -> ViewSpec:
        """The view called ``name`` (``default`` when given and there is none).

        Raises
        ------
        ViewError
            No such view (the message names the views there are).
        """
        found = self._views.get(name, default) if isinstance(name, str) else default
        if found is _MISSING:
            raise ViewError(f"unknown view {name!r}; views are {self.names()}")
        return found

    def check(self, names: Iterable[str] | None) -> list[str]:
        """``names`` as a list (every view when ``None`` or empty), after checking each is a view.

        Raises
        ------
        ViewError
            One or more unknown views (every one named, with the views there are).
        """
        if isinstance(names, str):
            raise ViewError(f"views must be a list of view names, not the text {names!r}")
        wanted = list(names) if names else self.names()
        unknown = [v for v in wanted if not isinstance(v, str) or v not in self._views]
        if unknown:
            raise ViewError(f"unknown view(s) {unknown}; views are {self.names()}")
        return wanted

    def names(self) -> list[str]:
        """The view names, in order."""
        return list(self._views)

    def outputs(self) -> tuple[Output, ...]:
        """Every file the views write: each view's page and the files it declares beside it."""
        return tuple(o for spec in self for o in spec.declarations)

    def preload(self) -> tuple[str, ...]:
        """The modules the views ask a warm kernel to import, each once, in order."""
        return tuple(dict.fromkeys(m for spec in self for m in spec.preload))

    def unregister(self, name: str) -> None:
        """Remove a view (nothing when there is none)."""
        self._views.pop(name, None)

    # a mapping by name, so a view can be swapped for a while (pytest's ``monkeypatch.setitem``)
    def __getitem__(self, name: str) -> ViewSpec:
        return self.get(name)

    def __setitem__(self, name: str, spec: ViewSpec) -> None:
        if getattr(spec, "name", None) != name:
            raise ViewError(f"view {getattr(spec, 'name', spec)!r} registered under another name {name!r}")
        self.register(spec)

    def __delitem__(self, name: str) -> None:
        self.get(name)
        self.unregister(name)

    def __contains__(self, name) -> bool:
        return name in self._views

    def __iter__(self) -> Iterator[ViewSpec]:
        return iter(list(self._views.values()))

    def __len__(self) -> int:
        return len(self._views)

    def values(self) -> list[ViewSpec]:
        """The views, in order (as a mapping's ``values``)."""
        return list(self._views.values())


#: The registry ``report`` and ``batch`` read: every declared view.
VIEWS = ViewRegistry(DECLARED)


def declared(relpath) -> Output | None:
    """The declaration of a path below ``--out``: :data:`ccdata.publish.OUTPUTS` (the run's own
    files) or a view's page and files (:meth:`ViewRegistry.outputs`); ``None`` when neither declares it."""
    return publish.declared(relpath, VIEWS.outputs())
