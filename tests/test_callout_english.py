"""The call-out's own lines in English (issue 25, session 32): the dry run's last line and its warnings, the
refusals (--op with --verstuur, a closed incident), the result line, a webhook's delivery reason (Teams, a JSON
gateway, SMS: recorded language-neutral, worded when shown, Dutch in --json), and `--status`'s warning when a
confirmation was changed in the hash chain. The same paths in Dutch are in test_callout and test_confirmation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dso_calamiteit.domain import exitcodes

from .conftest import Invoke, Result
from .mail import Mailbox, smtp_server
from .postgres import free_port
from .test_callout import HOOKS, ROUTES, callout_yaml, callouts, hooks, open_level_one  # noqa: F401 (fixture)
from .test_confirmation import called, office_hours  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("backend")

EN = ("--lang", "en")
# words of the Dutch lines these paths printed before; none belongs in the English output (the incident's own
# title and the people's names and roles from the shipped contacts aside, which these words do not occur in)
DUTCH = re.compile(
    r"\b(niets|verstuurd|verstuurt|niet|geen|gesloten|opgeroepen|bereikbaar|weigerde|controleer|hashketen|"
    r"regel|regels|klopt|toont|ontbreekt|zet|sleutelbos|dienst)\b",
    re.IGNORECASE,
)


def no_dutch(*texts: str) -> None:
    for text in texts:
        left = DUTCH.findall(text)
        assert left == [], f"Dutch in the English output: {left}\n{text}"
        assert "Traceback" not in text


def test_a_refused_webhook_is_recorded_as_a_kind_and_worded_in_the_readers_language(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, hooks,  # noqa: F811
) -> None:
    _posted, base, _other = hooks
    monkeypatch.setenv("TEST_TEAMS_URL", base + "/teams")
    monkeypatch.setenv("TEST_SMS_URL", base + "/gone")
    with smtp_server(Mailbox()) as port:
        folder = make_config(callout=callout_yaml(port, hooks=HOOKS, routes=ROUTES))
        incident = open_level_one(calamiteit, folder)
        sent = calamiteit("oproep", incident, "--verstuur", "--ja", "--config-dir", str(folder), *EN)
        assert sent.code == exitcodes.CALLOUT_INCOMPLETE, sent.err
        shown = sent.out + sent.err
        assert "sms refused the message (HTTP 410); check the webhook" in shown
        [entry] = callouts(calamiteit, incident)
        assert re.search(rf"entry \d+ of {incident}", shown), shown
        no_dutch(shown.replace(incident, ""))
        # the chain keeps the kind and its values, the same whatever the language of the run
        reasons = {d["reason"] for d in entry["deliveries"] if d["channel"] == "sms"}
        assert reasons == {'{"kind":"webhook-refused","channel":"sms","status":410}'}
        assert calamiteit("incident", "verify", incident).code == exitcodes.OK
        # --json: the Dutch words (the same document in either language) and the kind for scripts
        again = calamiteit("oproep", incident, "--verstuur", "--ja", "--json", "--config-dir", str(folder), *EN)
        sms = [d for d in json.loads(again.out)["deliveries"] if d["channel"] == "sms"]
        assert {(d["reason"], d["reason_kind"]) for d in sms} == {
            ("sms weigerde het bericht (HTTP 410); controleer de webhook", "webhook-refused")
        }
        dutch = calamiteit("oproep", incident, "--verstuur", "--ja", "--config-dir", str(folder))
        assert "sms weigerde het bericht (HTTP 410); controleer de webhook" in dutch.out + dutch.err
        entries = callouts(calamiteit, incident)
        recorded = {d["reason"] for e in entries for d in e["deliveries"] if d["channel"] == "sms"}
        assert recorded == reasons  # a Dutch run records the very same


def test_the_dry_run_and_its_warnings_in_english(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TEST_TEAMS_URL", raising=False)
    monkeypatch.delenv("TEST_SMS_URL", raising=False)
    folder = make_config(callout=callout_yaml(free_port(), hooks=HOOKS, routes=ROUTES))
    incident = open_level_one(calamiteit, folder)
    dry = calamiteit("oproep", incident, "--config-dir", str(folder), *EN)
    assert dry.code == exitcodes.OK, dry.err
    assert "Nothing sent: --verstuur sends." in dry.err
    assert "the webhook URL is missing: set TEST_TEAMS_URL or keep it in the keyring" in dry.out, dry.out
    no_dutch(dry.err)
    warned = dry.out[dry.out.index("NOTE: "):]
    no_dutch(warned)
    document = json.loads(calamiteit("oproep", incident, "--json", "--config-dir", str(folder), *EN).out)
    cannot = {c["channel"]: c["reason"] for c in document["cannot_send"]}
    assert cannot["teams-oct"].startswith("de webhook-URL ontbreekt: zet TEST_TEAMS_URL")  # JSON: Dutch, as before


def test_a_recipient_without_an_address_in_english(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path,
) -> None:
    contacts = (shipped / "contacts.yaml").read_text(encoding="utf-8")
    without = contacts.replace("    email: ", "    # email: ")  # nobody has an e-mail address
    folder = make_config(callout=callout_yaml(free_port()), contacts=without)
    incident = open_level_one(calamiteit, folder)
    dry = calamiteit("oproep", incident, "--config-dir", str(folder), *EN)
    assert "not reachable by e-mail: no e-mail address" in dry.out, dry.out
    assert '"kind"' not in dry.out  # the preview's list and the warning block both word the recorded form
    assert dry.out[:dry.out.index("NOTE: ")].count("not reachable by e-mail: no e-mail address") >= 1, dry.out
    no_dutch(dry.out[dry.out.index("NOTE: "):])
    document = json.loads(calamiteit("oproep", incident, "--json", "--config-dir", str(folder), *EN).out)
    assert {(d["reason"], d["reason_kind"]) for d in document["unreachable"]} == {
        ("niet bereikbaar via e-mail: geen e-mailadres", "no-email")
    }
    dutch = calamiteit("oproep", incident, "--config-dir", str(folder))
    assert "niet bereikbaar via e-mail: geen e-mailadres" in dutch.out and '"kind"' not in dutch.out


@pytest.mark.parametrize(("args", "said"), [
    (("--op", "morgen 08:00", "--verstuur"), "--op shows who is reachable at another moment; sending is always"),
    (("--verstuur", "--ja"), "is closed; nobody is called out any more"),
])
def test_the_call_outs_refusals_in_english(
    calamiteit: Invoke, make_config: Callable[..., Path], args: tuple[str, ...], said: str,
) -> None:
    folder = make_config(callout=callout_yaml(free_port()))
    incident = open_level_one(calamiteit, folder)
    if "--ja" in args:
        assert calamiteit("incident", "close", incident, "--reden", "opgelost").code == 0
    result: Result = calamiteit("oproep", incident, *args, "--config-dir", str(folder), *EN)
    assert result.code == exitcodes.USAGE and said in result.err, result.err
    no_dutch(result.err.replace(incident, ""))


def test_status_warns_of_a_changed_confirmation_in_english(calamiteit: Invoke, called, tmp_path: Path) -> None:  # noqa: F811
    from . import backends

    incident, folder, _ = called
    for who in ("anna-de-vries", "lotte-meijer"):
        assert calamiteit("bevestig", incident, who, "--kan-niet", "--config-dir", str(folder)).code == 0
    rows = backends.rows(tmp_path / "data", "SELECT n FROM entries WHERE kind = 'confirmation' "
                         "AND incident = ? ORDER BY n", (incident,))
    [(anna,), (lotte,)] = rows
    change = "UPDATE entries SET body = replace(body, '\"kan_niet\"', '\"komt\"') WHERE incident = ? AND n = ?"
    backends.tamper(tmp_path / "data", (change, (incident, anna)))
    one = calamiteit("oproep", incident, "--status", "--config-dir", str(folder), *EN)
    assert one.code == exitcodes.TAMPERED
    assert f"WARNING: the hash chain of {incident} does not hold: the confirmation in entry {anna} was" in one.err
    no_dutch(one.err.replace(incident, ""))
    backends.tamper(tmp_path / "data", (change, (incident, lotte)))
    two = calamiteit("oproep", incident, "--status", "--config-dir", str(folder), *EN)
    assert f"the confirmations in entries {anna}, {lotte} were changed" in " ".join(two.err.split()), two.err
    dutch = calamiteit("oproep", incident, "--status", "--config-dir", str(folder))
    assert f"de bevestigingen in regels {anna}, {lotte} zijn" in " ".join(dutch.err.split()), dutch.err


@pytest.mark.parametrize("where", ["compose", "_deliver"])
def test_an_interrupted_call_out_says_so_in_english(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, where: str,
) -> None:
    """Ctrl-C while the message is made (nothing sent), or while it is sent (how many were accepted)."""
    from dso_calamiteit.app import callout

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with smtp_server(Mailbox()) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = open_level_one(calamiteit, folder)
        monkeypatch.setattr(callout, where, interrupted)
        result = calamiteit("oproep", incident, "--verstuur", "--ja", "--config-dir", str(folder), *EN)
    assert result.code == exitcodes.INTERRUPTED, result.err
    if where == "compose":
        assert "interrupted: nothing was sent" in result.err
    else:
        assert re.search(r"interrupted: 0 of the \d+ messages accepted, \d+ not sent or not confirmed", result.err)
        assert f"Running 'calamiteit oproep {incident} --verstuur' again sends only those" in result.err
    no_dutch(result.err.replace(incident, ""))
