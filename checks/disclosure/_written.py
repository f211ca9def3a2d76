"""What a same-site script writes into the page: the HTML of its ``document.write`` calls.

Hanweb templates (`docs/cms-families.md` §3, §4) write the whole footer from
``/script/0/<digits>.js``; the 党政机关标识 is written as ``document.write(unescape("%3Cspan…"))``.
The crawler keeps such scripts' text (``identity.footer_script_patterns``); ``written_html``
returns the HTML they write: the string literals of every ``document.write``/``writeln`` call,
concatenated, JavaScript escapes decoded, ``unescape("%3C…")`` arguments percent-decoded. A
script computing its output (variables, loops) yields only its literal parts; the caller decides
whether what is written is enough to judge. No settings.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_WRITE = re.compile(r"document\.write(?:ln)?\s*\(")
_LITERAL = re.compile(r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)\"""")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_SIMPLE = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}
MAX_SCRIPT_CHARS = 500_000


def _unescape_js(text: str) -> str:
    def one(m: re.Match) -> str:
        code = m.group(1)
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)
    return _ESCAPE.sub(one, text)


def _argument(js: str, start: int) -> str:
    """The text of a call's argument list from ``start`` (just after the open parenthesis)."""
    depth, i, quote = 1, start, ""
    while i < len(js) and depth:
        ch = js[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    return js[start:i - 1]


def written_html(js: str) -> str:
    """The HTML a script writes with ``document.write`` (its literal parts), in order."""
    out = []
    js = js[:MAX_SCRIPT_CHARS]
    for call in _WRITE.finditer(js):
        argument = _argument(js, call.end())
        parts = [_unescape_js(m.group(1) if m.group(1) is not None else m.group(2))
                 for m in _LITERAL.finditer(argument)]
        text = "".join(parts)
        out.append(unquote(text) if "unescape(" in argument else text)
    return "\n".join(out)
