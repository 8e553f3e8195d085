"""Reading what axe-core reports."""
from __future__ import annotations


def axe_entry(name: str, violation: dict) -> str:
    """One line for a test's output: page, rule, impact and how many elements."""
    return f"{name}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])} element(s))"
