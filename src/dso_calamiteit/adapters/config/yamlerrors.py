"""PyYAML's scanner and parser errors said in Dutch: where in the file, what is wrong, and what to change.

PyYAML says "mapping values are not allowed in this context" or "found unexpected end of stream" (and points at
the end of the file for a quote left open). The typical mistakes of a hand-edited file are recognised here: a
tab in the indentation, a quote or bracket left open, a key without its colon, a colon inside an unquoted value,
a line indented wrong. The place given is where the change is to be made (the opening quote, the line that lacks
its colon), not where PyYAML gave up.
"""

from __future__ import annotations

from typing import Any

import yaml  # yamlfile, the only importer, has it loaded already

from ...domain.language import N_, _

PREFIX = N_("YAML-fout: ")  # translated where it is said: _(PREFIX)
GENERIC = N_(
    "dit deel is geen geldige YAML; controleer de inspringing (alleen spaties), de dubbele punt na elke sleutel "
    "en de aanhalingstekens"
)


def said(message: str) -> str:
    """A YAML error as the operator reads it: 'YAML-fout: ' and the message, both in the reader's language."""
    return _(PREFIX) + message


def explain(exc: Any, text: str) -> tuple[int | None, int | None, str]:
    """(line, column, message) for a yaml.MarkedYAMLError raised on `text`."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()

    def at(m: Any) -> tuple[int | None, int | None]:
        return (m.line + 1, m.column + 1) if m is not None else (None, None)

    def char(m: Any) -> str:
        return text[m.index] if m is not None and 0 <= m.index < len(text) else ""

    def line_of(n: int | None) -> str:
        return lines[n - 1] if n is not None and 0 < n <= len(lines) else ""

    line, column = at(mark)
    if "tab character" in problem or ("cannot start any token" in problem and char(mark) == "\t"):
        return line, column, said(
            _("een tab in de inspringing; YAML springt alleen in met spaties: vervang de tab door spaties")
        )
    if "quoted scalar" in context and exc.context_mark is not None:
        quote = char(exc.context_mark) or '"'
        start_line, start_column = at(exc.context_mark)
        return start_line, start_column, said(
            _(
                "het aanhalingsteken {quote} dat hier begint wordt nergens gesloten; zet een {quote} aan het eind "
                "van de tekst op deze regel"
            ).format(quote=quote)
        )
    for kind, opening, closing in (("flow sequence", "[", "]"), ("flow mapping", "{", "}")):
        if kind in context and exc.context_mark is not None:
            start_line, start_column = at(exc.context_mark)
            return start_line, start_column, said(
                _(
                    "de {opening} die hier begint wordt niet gesloten; zet een {closing} na het laatste element, "
                    "met een komma tussen de elementen"
                ).format(opening=opening, closing=closing)
            )
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        key_line, _column = at(exc.context_mark)
        return _missing_colon(key_line, line_of(key_line))
    if "mapping values are not allowed" in problem:
        current = line_of(line)
        before = current[: (column or 1) - 1]
        body = before.lstrip().removeprefix("- ")
        if ": " in body or body.rstrip().endswith(":"):
            dash = "- " if current.lstrip().startswith("- ") else ""
            key, _colon, value = current.lstrip().removeprefix("- ").partition(": ")
            value = value.split(" #")[0].strip().replace('"', '\\"')
            return line, column, said(
                _('de waarde bevat een dubbele punt; zet haar tussen aanhalingstekens: {fixed}').format(
                    fixed=f'{dash}{key}: "{value}"'
                )
            )
        written = [n for n in range((line or 1) - 1, 0, -1) if line_of(n).strip()]
        previous = next((n for n in written if not line_of(n).lstrip().startswith("#")), None)
        if previous is not None and ":" not in line_of(previous):
            return _missing_colon(previous, line_of(previous))
        return line, column, said(
            _(
                "een dubbele punt die hier niet verwacht wordt; staat er ': ' in een waarde, zet die waarde dan "
                "tussen aanhalingstekens, en controleer de inspringing"
            )
        )
    left_open = _quote_closed_late(text, exc.problem_mark)
    if left_open is not None:
        return left_open
    if (
        "expected '-' indicator" in problem
        or "expected <block end>" in problem
        or "did not find expected key" in problem
        or "expected <document start>" in problem
    ):
        return line, column, said(
            _(
                "de inspringing klopt niet; zet deze regel precies zo ver in als de andere regels van hetzelfde "
                "blok (alleen spaties), of zet een waarde met bijzondere tekens tussen aanhalingstekens"
            )
        )
    if "found undefined alias" in problem:
        return line, column, said(
            _("een alias (*naam) zonder anker (&naam) erboven; voeg het anker toe of haal de alias weg")
        )
    if "cannot start any token" in problem and char(mark):
        return line, column, said(
            _("het teken '{char}' kan geen waarde beginnen; zet de waarde tussen aanhalingstekens").format(
                char=char(mark)
            )
        )
    return line, column, said(_(GENERIC))


def _missing_colon(line: int | None, text: str) -> tuple[int | None, int | None, str]:
    """A key written without its colon ('org dso-lv'): the line to change, with the line as it should read."""
    body = text.strip()
    dash = "- " if body.startswith("- ") else ""
    key, _space, rest = body.removeprefix("- ").partition(" ")
    column = len(text) - len(text.lstrip()) + len(dash) + 1
    fixed = f"{dash}{key}: {rest.strip()}".rstrip()
    return line, column, said(
        _("na de sleutel '{key}' ontbreekt de dubbele punt; schrijf: {fixed}").format(key=key, fixed=fixed)
    )


def _quote_closed_late(text: str, mark: Any) -> tuple[int | None, int | None, str] | None:
    """A quote left open with another quoted value below it: PyYAML closes the first at the second's opening
    quote and stumbles on what follows ('expected <block end>'), lines below the mistake. When the value just
    before the stumble is a quoted one that runs over several lines, the place to change is its opening quote."""
    if mark is None:
        return None
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    if not (isinstance(last, yaml.ScalarToken) and last.style in ('"', "'")
            and last.start_mark.line < last.end_mark.line == mark.line):
        return None
    quote = last.style
    return last.start_mark.line + 1, last.start_mark.column + 1, said(
        _(
            "het aanhalingsteken {quote} dat hier begint wordt pas op regel {line} gesloten; zet een {quote} aan "
            "het eind van de tekst op deze regel"
        ).format(quote=quote, line=last.end_mark.line + 1)
    )
