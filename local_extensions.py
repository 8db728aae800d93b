"""Jinja filters the template uses to write answers into files safely."""

from cookiecutter.utils import simple_filter

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


@simple_filter
def toml_string(value: object) -> str:
    """Return ``value`` as a TOML basic string, quotes included.

    Characters beyond the Basic Multilingual Plane are kept as they are (JSON
    escaping would turn them into surrogate pairs, which TOML rejects).
    """
    out = []
    for char in str(value):
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
