"""`calamiteit bevestig` and a confirmation link in English (issue 25): every refusal and answer of the
confirmation in the reader's language, on the command line (`--lang en`) and on the web face's page for a bad,
unknown or used link (`calamiteit --lang en web`); Dutch stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.app.logbook import opened
from dso_calamiteit.app.place import Place
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.confirmation import token as sign

from .conftest import Invoke
from .mail import Mailbox, smtp_server
from .test_confirmation import callout_yaml

# the Dutch words of these messages: none may reach an English reader
DUTCH = ("opgeroepen", "bevestigingscode", "bevestigingslink", "logboek", "ken ik niet", "Geef ", "Kies ", "Bel de",
         "antwoordcode", "hoort bij", "vastgelegd", "Bedoelde")


@pytest.fixture(autouse=True)
def office_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


@pytest.fixture
def called(calamiteit: Invoke, make_config: Callable[..., Path]) -> tuple[str, Path, dict[str, str]]:
    """An incident whose call-out went out by mail: its folder and each recipient's link token by address."""
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
        assert calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder)).code == exitcodes.OK
    tokens = {}
    for rcpts, message in box.messages:
        text = message.get_body(("plain",)).get_content()
        link = next(x for x in text.split() if "/bevestig?t=" in x).strip("<>")
        tokens[rcpts[0]] = parse_qs(urlsplit(link).query)["t"][0]
    return incident, folder, tokens


def test_bevestig_refuses_and_answers_in_english(calamiteit: Invoke, called) -> None:
    incident, folder, tokens = called
    lotte = tokens["l.meijer@dso-lv.example.nl"]
    forged = lotte[:-1] + ("A" if lotte[-1] != "A" else "B")
    where = ("--config-dir", str(folder))
    cases = [
        (("Lotte Meyer", "--komt"), "'Lotte Meyer' was not called out for this incident. Did you mean 'Lotte Meijer'?"),
        (("Niemand", "--komt"), f"'calamiteit oproep {incident} --status' shows who was called out."),
        (("--code", "7", "--telefoon", "+31 00 0000 0000"), "unknown reply code '7'"),
        (("--code", "7", "--telefoon", "+31 00 0000 0000"), "1 = I am coming, 2 = I cannot come."),
        (("--code", "1", "--telefoon", "0611111111"), "the number '0611111111' belongs to nobody called out"),
        (("--komt",), "who is confirming? Give a name or contact id"),
        (("--komt",), "Or --code with --telefoon, or --token."),
        (("Lotte Meijer",), "are they coming? Give --komt or --kan-niet"),
        (("Lotte Meijer", "--komt", "--via", "fax"), "--via 'fax' is not known"),
        (("Lotte Meijer", "--komt", "--via", "fax"), "Choose telefoon, mail or teams."),
        (("--token", forged, "--komt"), "this confirmation code was not signed by this logbook"),
    ]
    for args, said in cases:
        english = calamiteit("--lang", "en", "bevestig", incident, *args, *where)
        assert english.code == exitcodes.USAGE, (args, english.err)
        assert said in english.err, (args, english.err)
        assert not [w for w in DUTCH if w in english.err], (args, english.err)
        dutch = calamiteit("bevestig", incident, *args, *where)
        assert dutch.code == exitcodes.USAGE and said not in dutch.err, (args, dutch.err)  # Dutch stays Dutch
    done = calamiteit("--lang", "en", "bevestig", incident, "--token", lotte, "--kan-niet", *where)
    assert done.code == exitcodes.OK and "Lotte Meijer (Voorzitter OCT) cannot come; recorded as entry" in done.err
    again = calamiteit("--lang", "en", "bevestig", incident, "--token", lotte, "--komt", *where)
    assert "this confirmation link has been used already: it is recorded that you cannot come" in again.err
    assert "Anything changed? Call the coordinator" in again.err and not [w for w in DUTCH if w in again.err]
    dutch = calamiteit("bevestig", incident, "--token", lotte, "--komt", *where)
    assert "al gebruikt: vastgelegd is dat u niet kunt komen" in dutch.err


def test_the_english_site_refuses_a_bad_or_used_link_in_english(calamiteit: Invoke, called) -> None:
    pytest.importorskip("uvicorn", reason="ontbreekt: de extra 'web' (pip install -e '.[test]')")
    import httpx

    from .web import serving

    incident, folder, tokens = called
    lotte = tokens["l.meijer@dso-lv.example.nl"]
    with opened(Place(None, None, None)) as store:
        key = store.confirm_key()
        (callout,) = store.callouts(incident)
    forged = lotte[:-1] + ("A" if lotte[-1] != "A" else "B")
    assert calamiteit("bevestig", incident, "--token", lotte, "--komt", "--config-dir", str(folder)).code == 0
    with serving("--lang", "en", "--config-dir", str(folder)) as site, httpx.Client(base_url=site.url) as client:
        pages = [
            (forged, 403, "this confirmation code was not signed by this logbook (forged, or another logbook"),
            (sign(key, callout, "iemand-anders"), 403, "does not belong to a call-out of this incident"),
            (sign(key, "9999-999/convocation-1#1", "lotte-meijer"), 403, "not belong to a call-out of this logbook"),
            (lotte, 409, "this confirmation link has been used already: it is recorded that you are coming"),
        ]
        for signed, code, said in pages:
            page = client.get("/bevestig", params={"t": signed})
            text = page.text.replace("&#39;", "'")
            assert page.status_code == code and said in text, (signed, page.text)
            assert '<html lang="en">' in text and not [w for w in DUTCH if w in text], text
        used = client.get("/bevestig", params={"t": lotte}).text.replace("&#39;", "'")
        assert "Anything changed? Call the coordinator" in used
