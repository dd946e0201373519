r"""The `csv` and `tsv` input formats, and the header that names their fields.

CSV follows RFC 4180 and returns exactly the fields Python's `csv.reader`
(default dialect) returns for the same text. A quoted field may hold line
breaks, so a record can span input lines; `CsvReader` is fed one line at a
time and answers with a record once one is complete:

    >>> reader = CsvReader()
    >>> reader.feed('id,note')
    ['id', 'note']
    >>> reader.feed('7,"two')
    >>> reader.feed('""quoted"" lines",x')
    ['7', 'two\n"quoted" lines', 'x']
    >>> reader.start_line
    2
    >>> reader.finish()

Details of the CSV reading:

- ``""`` inside a quoted field is one quote; a quote inside an unquoted field
  is kept literally, and so is text after a closing quote (``"ab"c`` is
  ``abc``), as `csv.reader` does.
- A line break inside a quoted field is kept as it was: input lines arrive
  with their line end removed, so `feed` is told which one followed the line
  (``"\n"`` unless said otherwise; ``"\r\n"`` in a CRLF file), and a
  ``parse csv | csv`` round trip gives back every byte of such a field:

    >>> reader = CsvReader()
    >>> reader.feed('"a', "\r\n")
    >>> reader.feed('b"')
    ['a\r\nb']

- ``\r`` at the end of a line outside quotes is a line end, as for
  `csv.reader`, in case a caller left it on; elsewhere outside quotes, where
  `csv.reader` raises an error, it is kept as data.
- An empty line is a record with no fields, ``[]`` (again as `csv.reader`);
  callers decide whether to skip it.

TSV has no quoting: a line is split on tabs, and the escapes StreamLang's
own `tsv` writer produces are undone:

    >>> parse_tsv("GET\t/a\\\\b\tline one\\nline two")
    ['GET', '/a\\b', 'line one\nline two']

Headers: `header_fields` makes names usable as record keys and `record`
pairs a header with a row:

    >>> header = header_fields(["ip", "", "ip"])
    >>> header
    ['ip', 'col2', 'ip_2']
    >>> record(header, ["1.2.3.4", "x", "5.6.7.8"])
    {'ip': '1.2.3.4', 'col2': 'x', 'ip_2': '5.6.7.8'}
"""

from __future__ import annotations

import re


class CsvReader:
    """Reassembles CSV records from input lines; `sep` is the one-character field separator."""

    def __init__(self, sep: str = ",") -> None:
        if len(sep) != 1 or sep in '"\r\n':
            raise ValueError(f"invalid CSV separator {sep!r}")
        self.sep = sep
        self.start_line = 0
        self._lines_fed = 0
        # While a quoted field is open across lines: the record's finished fields,
        # and the open field's text so far.
        self._fields: list[str] | None = None
        self._open_field: list[str] = []
        self._end = "\n"  # the line end after the line being read
        not_sep = "[^" + re.escape(sep) + "]*+"
        # Each match is one field with the separator before it, so matching
        # `sep + line` yields every field, even empty ones, in one scan.
        self._field_re = re.compile(
            re.escape(sep) + r'(?:"((?:[^"]++|"")*+)(?:"(' + not_sep + r")|\Z)|(" + not_sep + "))",
            re.DOTALL)
        self._close_re = re.compile(r'((?:[^"]++|"")*+)"(' + not_sep + ")", re.DOTALL)

    def feed(self, line: str, end: str = "\n") -> list[str] | None:
        """Take the next input line (without its line end; `end` is the line end that followed it).

        Returns the record it completes, or None when a quoted field is still open.
        """
        self._lines_fed += 1
        self._end = end
        if self._fields is not None:
            return self._continue(line)
        self.start_line = self._lines_fed
        if '"' not in line:
            if line.endswith("\r"):
                line = line.rstrip("\r")
            return line.split(self.sep) if line else []
        return self._fields_from(self.sep + line, 0, [])

    @property
    def in_field(self) -> bool:
        """Whether a quoted field is open: the next line continues it."""
        return self._fields is not None

    def finish(self) -> None:
        """Call at the end of the input: an open quoted field there is an error."""
        if self._fields is not None:
            raise ValueError("unterminated quoted field")

    def _continue(self, line: str) -> list[str] | None:
        fields = self._fields
        assert fields is not None
        m = self._close_re.match(line)
        if m is None:
            self._open_field.append(_undouble(line) + self._end)
            return None
        opened = self._open_field
        opened.append(_undouble(m[1]))
        self._fields, self._open_field = None, []
        if m.end() == len(line):
            fields.append("".join(opened) + m[2].rstrip("\r"))
            return fields
        fields.append("".join(opened) + m[2])
        return self._fields_from(line, m.end(), fields)

    def _fields_from(self, text: str, pos: int, fields: list[str]) -> list[str] | None:
        """Append the fields of `text[pos:]`, which starts with a separator, to `fields`."""
        quoted = after_quote = plain = None
        for m in self._field_re.finditer(text, pos):
            quoted, after_quote, plain = m.groups()
            if plain is not None:
                fields.append(plain)
            elif after_quote is not None:
                fields.append(_undouble(quoted) + after_quote)
            else:
                self._fields, self._open_field = fields, [_undouble(quoted) + self._end]
                return None
        if text.endswith("\r"):
            # As for csv.reader, a \r left at the line end outside quotes ends the line.
            fields[-1] = (plain.rstrip("\r") if plain is not None
                          else _undouble(quoted or "") + (after_quote or "").rstrip("\r"))
        return fields


def _undouble(text: str) -> str:
    return text.replace('""', '"') if '"' in text else text


_TSV_ESCAPES = [("\\t", "\t"), ("\\n", "\n"), ("\\r", "\r")]


def parse_tsv(line: str) -> list[str]:
    r"""Split a TSV line on tabs and undo ``\t \n \r \\``; any other backslash is kept as is."""
    fields = line.split("\t")
    if "\\" not in line:
        return fields
    return [_tsv_unescape(field) if "\\" in field else field for field in fields]


def _tsv_unescape(field: str) -> str:
    # Once escaped backslashes are split out, every backslash left starts an
    # escape, so str.replace is exact (and linear, however many there are).
    return "\\".join(_tsv_unescape_chunk(chunk) for chunk in field.split("\\\\"))


def _tsv_unescape_chunk(chunk: str) -> str:
    if "\\" in chunk:
        for escape, char in _TSV_ESCAPES:
            chunk = chunk.replace(escape, char)
    return chunk


def header_fields(fields: list[str]) -> list[str]:
    """Record keys from a header row.

    Names are stripped of surrounding whitespace (the first also of a byte
    order mark). The first occurrence of a name keeps it; a repeat gets the
    first free suffix ``_2``, ``_3``, ...; an empty name becomes ``col<N>``
    (N its 1-based position), suffixed in turn if the header already has that
    name. A row with no fields at all (an empty first line) is rejected.
    """
    if not fields:
        raise ValueError("empty header line")
    names = [field.strip() for field in fields]
    names[0] = names[0].removeprefix("\ufeff").strip()
    taken = set(names)
    keys: list[str] = []
    used: set[str] = set()
    for i, name in enumerate(names, 1):
        if not name or name in used:
            name = _fresh(name or f"col{i}", taken)
            taken.add(name)
        used.add(name)
        keys.append(name)
    return keys


def _fresh(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"


def record(header: list[str], fields: list[str]) -> dict[str, str]:
    """The row `fields` as a dict keyed by `header`; the counts must agree."""
    if len(fields) != len(header):
        raise ValueError(f"expected {len(header)} fields, got {len(fields)}")
    return dict(zip(header, fields))
