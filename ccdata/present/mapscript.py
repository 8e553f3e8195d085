"""Lines of script in a folium map, written into the page as they are.

branca (under folium) compiles the script each element writes as a Jinja template and
renders it again. For text from input files that was a hole (an asset called
``{{ 7*7 }}`` showed as ``49``, and Jinja reaches Python), and it costs a template
compile per marker. The elements here are rendered once and their text is added to
the page without being read as a template.
"""
from __future__ import annotations

from ccdata import cache

#: Where a script line names the map or marker it is added to. ``escape.js_string`` writes
#: ``<`` and ``>`` as ``\\u`` escapes, so text from an input file can never contain it.
PARENT = "<parent>"


@cache.pure("single")
def _script_class():
    """A folium element that writes one line of script, with :data:`PARENT` replaced by the
    name of the element it is added to.

    Its text is written into the page as it is, never compiled or read as a template: a
    name such as ``{{ 7*7 }}`` stays as it is (it is escaped as well, see
    :mod:`ccdata.present.escape`), and no template is compiled per marker (branca
    compiles each element's output again, about 1.5 ms each).
    """
    from branca.element import (  # folium's toolkit: loaded only when a map is drawn
        Element,
        MacroElement,
    )

    class Text(Element):
        """Text written into the page as it is (branca would compile it as a template)."""

        def __init__(self, text: str):
            super().__init__()
            self.text = text

        def render(self, **kwargs) -> str:
            return self.text

    class Script(MacroElement):
        def __init__(self, name: str, source: str):
            super().__init__()
            self._name = name
            self.source = source

        def code(self) -> str:
            return self.source.replace(PARENT, self._parent.get_name())

        def render(self, **kwargs) -> None:
            # MacroElement.render wraps the script in Element(text), which compiles it as a
            # template, once per marker; the text is added as it is instead of through a
            # template (one trailing newline dropped, as Jinja drops it)
            code = self.code()
            self.get_root().script.add_child(Text(code[:-1] if code.endswith("\n") else code),
                                             name=self.get_name())

    return Script


def script_line(name: str, source: str):
    """A folium element writing ``source`` (with :data:`PARENT` replaced by the name of the
    element it is added to) into the map's script, as it is.

    Parameters
    ----------
    name : str
        The element's kind, for folium's generated variable names.
    source : str
        JavaScript; text from input files in it must be escaped with
        :func:`ccdata.present.escape.js_string`.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"script_line expects a name such as 'MarkerName', not {name!r}")
    if not isinstance(source, str):
        raise TypeError(f"script_line expects JavaScript text, not {type(source).__name__}")
    return _script_class()(name, source)
