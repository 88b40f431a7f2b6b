"""The message catalogues in locale/: complete, not fuzzy, placeholders kept, .mo up to date.

No database: the .po files are read with the tiny parser below (standard library only) and the
compiled .mo files with gettext.GNUTranslations, the format Django itself loads at run time.
"""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["ja", "en"]

# %(name)s, %(code)02d, %(ratio).1f … and, in python-format entries, unnamed %s / %d.
NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*(?:\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
ANY_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def catalog_key(self) -> str:
        # GNUTranslations stores "context\x04msgid" for entries with a context.
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # the keyword a continuation line extends

    def start(number: int) -> Entry:
        nonlocal current
        if current is None or current.msgstr:
            current = Entry(line=number)
            entries.append(current)
        return current

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            target = None
            continue
        if line.startswith("#,"):
            start(number).flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert current is not None and target is not None, f"{path}:{number}"
            keyword, index = target
            if keyword == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, keyword, getattr(current, keyword) + _unquote(line))
            continue
        keyword, _, value = line.partition(" ")
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if match or keyword == "msgstr":
            assert current is not None, f"{path}:{number}"
            index = int(match.group(1)) if match else 0
            current.msgstr[index] = _unquote(value)
            target = ("msgstr", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            entry = current if keyword == "msgid_plural" else start(number)
            setattr(entry, keyword, _unquote(value))
            target = (keyword, None)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    return entries


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def messages(language: str) -> list[Entry]:
    return [entry for entry in parse_po(po_path(language)) if not entry.is_header]


def header(language: str) -> dict[str, str]:
    (entry,) = [entry for entry in parse_po(po_path(language)) if entry.is_header]
    lines = (line.partition(":") for line in entry.msgstr[0].splitlines() if line)
    return {key.strip(): value.strip() for key, _, value in lines}


def test_parser_reads_every_message():
    # A parser that silently dropped entries would make every other test pass vacuously.
    for language in LANGUAGES:
        text = po_path(language).read_text(encoding="utf-8")
        expected = len(re.findall(r"^msgid ", text, flags=re.MULTILINE)) - 1  # minus the header
        assert len(messages(language)) == expected > 0


@pytest.mark.parametrize(
    ("language", "plural_forms"),
    [("ja", "nplurals=1; plural=0;"), ("en", "nplurals=2; plural=(n != 1);")],
)
def test_header(language, plural_forms):
    fields = header(language)
    assert fields["Language"] == language
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == plural_forms


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_fuzzy_entries(language):
    # Django (msgfmt) ignores fuzzy entries at run time; a fuzzy header breaks plural forms.
    fuzzy = [str(entry) for entry in parse_po(po_path(language)) if "fuzzy" in entry.flags]
    assert fuzzy == []


def test_japanese_is_complete():
    untranslated = [
        str(entry)
        for entry in messages("ja")
        if set(entry.msgstr) != {0} or not all(entry.msgstr.values())
    ]
    assert untranslated == []


def placeholders(entry: Entry, text: str) -> set[str]:
    if "python-format" in entry.flags:
        return set(ANY_PLACEHOLDER.findall(text)) - {"%%"}
    return set(NAMED_PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    """A lost placeholder drops data from the message; an added one raises KeyError."""
    one_form = header(language)["Plural-Forms"].startswith("nplurals=1;")
    problems = []
    for entry in messages(language):
        in_msgid = placeholders(entry, entry.msgid)
        allowed = in_msgid | placeholders(entry, entry.msgid_plural or "")
        for index, text in entry.msgstr.items():
            if not text:
                continue  # untranslated (English): Django shows the msgid itself
            found = placeholders(entry, text)
            # Plural forms of a language with several may leave out the number
            # ("one organisation"); a language with one form uses it for every count.
            required = in_msgid if (entry.msgid_plural is None or one_form) else set()
            if not required <= found or not found <= allowed:
                problems.append(f"{entry} [{index}]: {sorted(found)}, expected {sorted(allowed)}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_po(language):
    """The .mo was compiled from the current .po: run compilemessages after editing it."""
    mo_path = po_path(language).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run manage.py compilemessages"
    with mo_path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in messages(language):
        if not any(entry.msgstr.values()):
            continue  # msgfmt leaves untranslated entries out; gettext falls back to msgid
        if entry.msgid_plural is None:
            compiled = {0: catalog.get(entry.catalog_key)}
        else:
            compiled = {index: catalog.get((entry.catalog_key, index)) for index in entry.msgstr}
        if compiled != entry.msgstr:
            stale.append(str(entry))
    assert stale == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_check(language):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
