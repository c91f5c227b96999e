"""Why a delivery did not simply arrive, kept language-neutral: a kind and its values, worded when shown.

What the tool records of a call-out (the deliveries table and the `callout` entry in the hash chain) holds the
reason as a small JSON object (`{"kind":"smtp-timeout","where":"mail:25","seconds":"10"}`), the same whatever the
language of the run; a screen words it in the reader's language (`words`). A reason recorded before session 31,
or one of the tool's plain messages (a Dutch msgid), is words already: translated when it is a message of the
tool, else shown as recorded. Apart from callout.py so that `oproep --status` loads no more than it needs.
"""

from __future__ import annotations

import json

from .language import N_, _, speaking

# kind → the Dutch words (the msgid); values fill the {names}. The server's own text ({reply}, {detail}) and the
# addresses are data: shown as they came.
REASONS = {
    "smtp-no-utf8": N_("de mailserver ondersteunt geen adres met {character}"),
    "smtp-connect-timeout": N_("de mailserver {where} antwoordde niet binnen {seconds} s (verbinden)"),
    "smtp-data-timeout": N_("de mailserver {where} bevestigde het bericht niet binnen {seconds} s (na DATA)"),
    "smtp-data-dropped": N_("de mailserver {where} verbrak de verbinding tijdens het bericht"),
    "smtp-timeout": N_("de mailserver {where} antwoordde niet binnen {seconds} s"),
    "smtp-dropped": N_("de mailserver {where} verbrak de verbinding"),
    "smtp-not-now": N_("de server weigerde tijdelijk: {reply}; later opnieuw proberen"),
    "smtp-refused": N_("de server weigerde: {reply}"),
    "smtp-login-refused": N_("aanmelden bij {where} geweigerd voor {user} ({code})"),
    "smtp-no-auth": N_(
        "de mailserver {where} biedt geen aanmelden (AUTH) aan; laat username weg of kies een andere server"
    ),
    "smtp-no-starttls": N_("de mailserver {where} kent geen STARTTLS; kies security: tls, of een andere server"),
    "smtp-certificate": N_("het certificaat van {where} is niet te vertrouwen ({detail})"),
    "smtp-tls": N_("TLS met {where} mislukte ({detail})"),
    "smtp-unreachable": N_("de mailserver {where} is niet bereikbaar"),
    "smtp-failed": N_("versturen via {where} mislukte ({error})"),
    "smtp-password-missing": N_(
        "het SMTP-wachtwoord ontbreekt: zet {name} of bewaar het in de sleutelbos (dienst '{service}', item '{name}')"
    ),
    # a webhook (Teams, a JSON gateway, SMS): {channel} is the channel's id from oproep.yaml, {error} the
    # exception's class name (never its text: that holds the URL, a secret)
    "webhook-url-missing": N_(
        "de webhook-URL ontbreekt: zet {name} of bewaar het in de sleutelbos (dienst '{service}', item '{name}')"
    ),
    "webhook-late": N_("{channel} begon te antwoorden (HTTP {status}) maar was niet binnen {seconds} s klaar"),
    "webhook-timeout": N_("{channel} antwoordde niet binnen {seconds} s"),
    "webhook-unreachable": N_("{channel} is niet bereikbaar ({error})"),
    "webhook-redirect": N_("{channel} stuurt door naar een ander adres (HTTP {status}); niet gevolgd"),
    "webhook-refused": N_("{channel} weigerde het bericht (HTTP {status}); controleer de webhook"),
    # a recipient without the address a channel needs ({channel} the channel's name: e-mail, sms)
    "no-email": N_("niet bereikbaar via {channel}: geen e-mailadres"),
    "no-phone": N_("niet bereikbaar via {channel}: geen telefoonnummer"),
    "webhook-error": N_("{channel} antwoordde HTTP {status} (fout bij de ontvanger; later opnieuw proberen)"),
}


def reason(kind: str, **values: str | int) -> str:
    """The recorded form of a reason: the same text in every language."""
    if kind not in REASONS:
        raise ValueError(f"unknown delivery reason {kind!r}")
    return json.dumps({"kind": kind, **dict(sorted(values.items()))}, ensure_ascii=False, separators=(",", ":"))


def _read(recorded: str) -> tuple[str, dict[str, str | int]] | None:
    """(kind, values) of a recorded reason of ours whose words can be made; None for anything else."""
    if not recorded.startswith("{"):
        return None
    try:
        data = json.loads(recorded)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("kind") not in REASONS:
        return None
    kind = data.pop("kind")
    values = {k: v for k, v in data.items() if isinstance(v, str | int) and not isinstance(v, bool)}
    try:
        REASONS[kind].format(**values)
    except (KeyError, IndexError, ValueError):
        return None
    return kind, values


def kind(recorded: str) -> str | None:
    """The reason's kind (for scripts), None for words."""
    found = _read(recorded)
    return found[0] if found else None


def words(recorded: str) -> str:
    """The reason in the reader's language: ours worded now; the tool's own plain message translated; anything
    else (an older record's words) as recorded."""
    found = _read(recorded)
    if found is None:
        return _(recorded) if recorded else ""
    kind_, values = found
    return _(REASONS[kind_]).format(**values)


def dutch(recorded: str) -> str:
    """The reason in Dutch whatever the language: what `--json` gives, the same document in either language."""
    with speaking("nl"):
        return words(recorded)
