"""LaTeX field text → clean Unicode, never raising.

pylatexenc does the accents and most commands; this module first rewrites what it gets
wrong or crashes on (``\\href``, ``\\url``, the TeX logos, ``\\hyphen``, ``$_2$``), and when
pylatexenc still fails, keeps the words with the markup stripped and says so.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PRE_DECODE = (("``", "\u201c"), ("''", "\u201d"), ("\\textsection", "§"), ("\\S ", "§ "), ("\\S{}", "§"), ("\\S", "§"))
_LOGOS = {"LaTeXe": "LaTeX2ε", "LaTeX": "LaTeX", "BibLaTeX": "BibLaTeX", "BibTeX": "BibTeX", "XeLaTeX": "XeLaTeX",
          "XeTeX": "XeTeX", "LuaLaTeX": "LuaLaTeX", "LuaTeX": "LuaTeX", "ConTeXt": "ConTeXt", "TeX": "TeX",
          "hyphen": "-", "slash": "/", "textendash": "–", "textemdash": "—", "ldots": "…", "dots": "…",
          "textregistered": "®", "texttrademark": "™", "textcopyright": "©", "textdegree": "°", "euro": "€"}
_LOGO = re.compile(r"\\(" + "|".join(sorted(_LOGOS, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\})?")
_JOINER = re.compile(r"\\(hyphen|slash)(?![A-Za-z])(?:\{\})?\s*")  # "long\hyphen term" is "long-term" in TeX
_HREF = re.compile(r"\\href\s*\{(?:[^{}]|\{[^{}]*\})*\}\s*")
_URL = re.compile(r"\\(?:url|nolinkurl|path)\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_SUB = str.maketrans("0123456789+-=()aeoxhklmnpst", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ")
_SUP = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SCRIPT = re.compile(r"\$\s*(?:\\mathrm\{([^{}$]*)\})?\s*([_^])\s*(?:\{([^{}$]*)\}|([^\s{}$]))\s*\$"
                     r"|\\text(sub|super)script\s*\{([^{}]*)\}")


_COMBINING = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
              "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
              "b": "\u0331"}
_LETTERS = {"i": "ı", "j": "ȷ", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
            "ss": "ß", "l": "ł", "L": "Ł"}
_ACCENT = re.compile(r"\\([`'^\"~=.])\s*(?:\{\s*(\\?[A-Za-z]+)\s*\}|(\\?[A-Za-z]))"
                     r"|\\([uvHckrdb])(?:\s*\{\s*(\\?[A-Za-z]+)\s*\}|\s+([A-Za-z]))")
_LETTER = re.compile(r"\\(aa|AA|ae|AE|oe|OE|ss|i|j|o|O|l|L)(?![A-Za-z])(?:\s*\{\})?\s?")
_ESCAPED = re.compile(r"\\([&%$#_{}, ])")
_STYLE = re.compile(r"\\(?:emph|textit|textbf|textsc|textrm|textsf|texttt|textup|textmd|textnormal|textsl|mkbibemph|"
                    r"mkbibitalic|mkbibbold|mbox|hbox|protect|NoCaseChange|nocase)\s*(?=\{)"
                    r"|\\(?:em|it|bf|sc|rm|sl|sf|tt|normalfont|itshape|bfseries|scshape|upshape)(?![A-Za-z])\s*")


def _fast_decode(text: str) -> str:
    """The LaTeX reference managers write most (accents, escapes, dashes, style commands), by table:
    pylatexenc costs milliseconds a field, which is seconds on a library of thousands."""
    text = _ACCENT.sub(_accented, text)
    text = _LETTER.sub(lambda match: _LETTERS[match.group(1)], text)
    text = _STYLE.sub("", text)
    text = _ESCAPED.sub(lambda match: "" if match.group(1) in "{}" else " " if match.group(1) in ", " else match.group(1),
                        text)
    text = text.replace("{", "").replace("}", "")
    return text.replace("---", "—").replace("--", "–").replace("~", " ")


def _accented(match: re.Match[str]) -> str:
    accent = match.group(1) or match.group(4)
    base = match.group(2) or match.group(3) or match.group(5) or match.group(6) or ""
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    if base.startswith("\\"):
        base = _LETTERS.get(base[1:], base)
    return unicodedata.normalize("NFC", base + _COMBINING[accent])


def decode_latex(value: str) -> str:
    """LaTeX field text → clean Unicode: accents, ``\\&``, ``--``, protected capitals, no braces."""
    return decode_latex_checked(value)[0]


@lru_cache(maxsize=8192)
def decode_latex_checked(value: str) -> tuple[str, bool]:
    """The decoded text, and whether the decoder understood all of it (False: markup stripped)."""
    text = value
    for old, new in _PRE_DECODE:
        text = text.replace(old, new)
    if "\\" in text:
        text = _HREF.sub("", text)  # \href{url}{words} → {words}: the words are what the reader sees
        text = _URL.sub(lambda match: match.group(1).replace("~", "\\~{}"), text)
        text = _JOINER.sub(lambda match: _LOGOS[match.group(1)], text)
        text = _LOGO.sub(lambda match: _LOGOS[match.group(1)], text)
    if "$" in text or "script" in text:
        text = _SCRIPT.sub(_script, text)
    is_understood = True
    if "$" not in text and "\\" in text:
        fast = _fast_decode(text)
        if "\\" not in fast:
            text = fast
    if "\\" not in text and "$" not in text:
        text = text.replace("{", "").replace("}", "").replace("---", "—").replace("--", "–").replace("~", " ")
    else:
        try:
            text = _latex_decoder().latex_to_text(text.replace("%", "\\%").replace("\\\\%", "\\%"))
        except (RecursionError, IndexError, KeyError, ValueError, TypeError, AttributeError):
            # pylatexenc gave up (absurdly deep braces, a command it cannot parse): keep the words
            text = re.sub(r"\\[A-Za-z]+\*?\s*|\\(.)", r"\1", text).replace("$", "")
            is_understood = False
    text = text.replace("{", "").replace("}", "").replace("\\", "")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip(), is_understood


def _script(match: re.Match[str]) -> str:
    """``Cu$_2$O`` → Cu₂O, ``m$^2$`` → m², ``\\textsubscript{2}`` → ₂; plain text where Unicode has no glyph."""
    if match.group(5):
        kind, body, prefix = ("_" if match.group(5) == "sub" else "^"), match.group(6), ""
    else:
        kind, body, prefix = match.group(2), match.group(3) or match.group(4) or "", match.group(1) or ""
    table = _SUB if kind == "_" else _SUP
    converted = body.translate(table)
    if any(char == converted[index] for index, char in enumerate(body) if not char.isspace()):
        return prefix + body  # some character has no sub/superscript form: plain "Cu2O"
    return prefix + converted


@lru_cache(maxsize=1)
def _latex_decoder():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import LatexNodes2Text  # type: ignore[import-untyped]

    return LatexNodes2Text(math_mode="text", keep_comments=False, strict_latex_spaces=False)
