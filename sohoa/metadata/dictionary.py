"""The syllables Vietnamese has, to tell a misread mark from a word.

`syllables.is_syllable` checks the shape of a syllable; Tesseract's typical
error keeps the shape and changes one mark (`dịp` → `địp`, `Doãn` → `Đoên`):
a shape that is no syllable of the language. The list of real syllables is
the Vietnamese Hunspell dictionary of LibreOffice (Debian `hunspell-vi`,
about 6,600 syllables, GPL: read from the system, not shipped with sohoa).

A word that is not in the list is put right only when one syllable of the
list is the same word without its marks (as `names` and `vocab` restore
diacritics); otherwise it is unknown, and a field holding it is not given.
Without the dictionary installed (`sohoa doctor` says so) nothing is
checked: `known` answers None.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from sohoa.metadata.syllables import is_syllable
from sohoa.metadata.text import edit_distance, fold, nfc

#: Where Debian (and most distributions) put the Hunspell dictionaries.
DICTIONARY_PATHS: tuple[Path, ...] = (
    Path("/usr/share/hunspell/vi_VN.dic"),
    Path("/usr/share/myspell/vi_VN.dic"),
    Path("/usr/share/myspell/dicts/vi_VN.dic"),
)

#: Old and new tone placement (`hoá` / `hóa`, `uỷ` / `ủy`): both are in use, the
#: dictionary has the old one.
_PLACEMENT = (
    ("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"),
    ("òe", "oè"), ("óe", "oé"), ("ỏe", "oẻ"), ("õe", "oẽ"), ("ọe", "oẹ"),
    ("ùy", "uỳ"), ("úy", "uý"), ("ủy", "uỷ"), ("ũy", "uỹ"), ("ụy", "uỵ"),
)  # fmt: skip


def _placement_key(word: str) -> str:
    key = nfc(word).lower()
    for new, old in _PLACEMENT:
        key = key.replace(new, old)
    return key


@lru_cache(maxsize=1)
def _entries() -> tuple[frozenset[str], dict[str, tuple[str, ...]]] | None:
    path = next((p for p in DICTIONARY_PATHS if p.is_file()), None)
    if path is None:
        return None
    lines = path.read_text(encoding="utf-8").splitlines()[1:]  # the first line is a count
    words = {_placement_key(w.split("/")[0].strip()) for w in lines if w.strip()}
    words = {w for w in words if w.isalpha() and " " not in w} | _proper_syllables()
    by_fold: dict[str, list[str]] = {}
    for word in sorted(words):
        by_fold.setdefault(fold(word), []).append(word)
    return frozenset(words), {k: tuple(v) for k, v in by_fold.items()}


def _proper_syllables() -> set[str]:
    """Syllables of the names sohoa knows (`Huế`, `Kạn`, `Sỹ`): the dictionary lacks many."""
    from sohoa.metadata.names import FAMILY_NAMES, NAME_SYLLABLES
    from sohoa.metadata.places import all_places
    from sohoa.metadata.vocab import ORGAN_PHRASES

    phrases = (*FAMILY_NAMES, *NAME_SYLLABLES, *all_places(), *ORGAN_PHRASES)
    return {_placement_key(w) for p in phrases for w in p.replace(",", " ").split() if w.isalpha()}


def available() -> bool:
    return _entries() is not None


def known(word: str) -> bool | None:
    """Whether `word` (one syllable, any case) is a syllable of Vietnamese; None when
    the dictionary is not installed."""
    entries = _entries()
    if entries is None:
        return None
    return _placement_key(word) in entries[0]


def checkable(word: str) -> bool:
    """A word the dictionary speaks for: a lower-case or title-case syllable of Vietnamese
    shape (abbreviations, numbers and foreign words such as `seminar` are left alone)."""
    if not word.isalpha() or not is_syllable(word):
        return False
    return word.islower() or (word[:1].isupper() and word[1:].islower())


def restore(word: str) -> str | None:
    """The one syllable of the dictionary that `word` is with one mark changed (`địp` →
    `dịp`: the stroke of the đ; not `díp`, the stroke and the tone), in the case of
    `word`; None when there is none or several."""
    entries = _entries()
    if entries is None:
        return None
    marks = _marks(_placement_key(word))
    found = [w for w in entries[1].get(fold(word), ()) if edit_distance(_marks(w), marks) == 1]
    if len(found) != 1:
        return None
    out = found[0]
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


def _marks(word: str) -> str:
    """The word as letters and marks one by one (đ as d and its stroke)."""
    return unicodedata.normalize("NFD", word.replace("đ", "d\u0335"))


def check_text(text: str) -> tuple[str, int, int]:
    """`text` with each non-syllable put right where the dictionary allows it; how many
    were put right, and how many are left that are no syllable of Vietnamese."""
    if not available():
        return text, 0, 0
    out: list[str] = []
    fixed = unknown = 0
    for token in text.split(" "):
        core = token.strip(".,;:()[]\"'“”!?–-")
        if not core or not checkable(core) or known(core):
            out.append(token)
            continue
        better = restore(core)
        if better is None:
            unknown += 1
            out.append(token)
        else:
            fixed += 1
            out.append(token.replace(core, better))
    return " ".join(out), fixed, unknown
