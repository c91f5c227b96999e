"""`oproep ID --status` as a coordinator reads it (issue 22): per role who was called, each channel once (reached
or not), their answer, and one closing line naming the roles nobody comes for yet; hundreds of rows printed as
aligned lines (benchmarks/callout_status.py), narrow screens as blocks; data never markup."""

from __future__ import annotations

import io

from rich.console import Console

from dso_calamiteit.app.callout_status import Called
from dso_calamiteit.domain.contacts import Contact
from dso_calamiteit.domain.recipients import Recipient
from dso_calamiteit.views.tables import callout as tables
from dso_calamiteit.views.tables.terminal import SafeConsole

AT = "2026-11-25T09:00:00+00:00"


def person(
    key: str, name: str, role: str, deliveries: list[tuple[str, str]], answer: str = "", via: str = ""
) -> Called:
    contact = Contact("lv", name, role, key)
    return Called(Recipient(key, name, "lv", role, contact), "I/convocation-1#1",
                  [(ch, outcome, "", AT) for ch, outcome in deliveries], answer, via, AT)


def shown(rows: list[Called], width: int = 140) -> str:
    out = io.StringIO()
    console: Console = SafeConsole(file=out, width=width, color_system=None)
    tables.status(console, "2026-001-abcd", rows)
    return out.getvalue()


ROWS = [
    person("lotte", "Lotte Meijer", "Crisiscoördinator", [("email", "accepted"), ("sms", "accepted")], "komt",
           "telefoon"),
    # called twice: the first mail was accepted (it reached her), the repeat refused; the sms refused both times
    person("anna", "Anna de Vries", "Communicatie", [("email", "accepted"), ("sms", "refused"), ("email", "refused"),
                                                     ("sms", "refused")]),
    person("bram", "Bram Jansen", "Communicatie", [("email", "accepted")], "kan_niet", "mail"),
    person("cor", "Cor [b]Dijk[/b]\x1b[31m", "Techniek", [("teams", "pending")]),
]


def test_each_channel_once_reached_or_its_latest_outcome() -> None:
    text = shown(ROWS)
    anna = next(line for line in text.splitlines() if "Anna de Vries" in line)
    assert "e-mail: aangenomen; sms: geweigerd" in anna
    assert anna.count("e-mail") == 1 and anna.count("sms") == 1
    cor = next(line for line in text.splitlines() if "Cor" in line)
    assert "teams: nog niet verstuurd" in cor


def test_the_role_is_named_once_above_its_people_and_the_closing_line_names_open_roles() -> None:
    text = shown(ROWS)
    assert text.count("Communicatie") == 2  # once in the table, once in the closing line
    bram = next(line for line in text.splitlines() if "Bram Jansen" in line)
    assert "Communicatie" not in bram and "kan niet (mail)" in bram
    assert "Toegezegd: 1 van 3 rollen; nog niemand die komt voor: Communicatie, Techniek." in text


def test_data_is_shown_as_typed_with_control_characters_visible_and_aligned() -> None:
    text = shown(ROWS)
    assert "Cor [b]Dijk[/b]␛[31m" in text and "\x1b" not in text
    rows = [line for line in text.splitlines() if "wo 25-11-2026" in line]
    assert len(rows) == 4 and len({line.index("wo 25-11-2026") for line in rows}) == 1


def test_many_rows_are_aligned_lines_and_a_narrow_screen_gets_blocks() -> None:
    many = [person(f"p{i}", f"Persoon {i}", f"rol-{i}", [("email", "accepted")]) for i in range(300)]
    text = shown(many, width=100)
    lines = [line for line in text.splitlines() if "Persoon" in line]
    assert len(lines) == 300 and len({line.index("e-mail") for line in lines}) == 1  # one column
    assert "Toegezegd: 0 van 300 rollen" in text and "en nog 292." in text
    narrow = shown(ROWS, width=50)
    assert "Opgeroepen: Anna de Vries" in narrow  # one block per record
    assert all(len(line) <= 50 for line in narrow.splitlines() if not line.startswith("Toegezegd"))
