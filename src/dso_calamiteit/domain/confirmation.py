"""Confirmation (bevestiging) of a call-out: who said they come or cannot, when and how it came in; the signed
per-recipient token for a confirmation link; the SMS reply code; finding a person as a coordinator types them.

Pure: the HMAC key comes from the logbook (the store), the moments from the caller.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from collections.abc import Iterable

from .errors import UsageError, suggest
from .language import N_, _
from .recipients import Recipient
from .records import record

REPLY_CODES = {"1": "komt", "2": "kan_niet"}
REPLY_TEXT = N_("Antwoord 1 = ik kom, 2 = ik kan niet.")  # a gateway's reply instruction (worded per message)
ANSWER_WORDS = {"komt": N_("komt"), "kan_niet": N_("kan niet komen")}  # worded with _() where shown


@record
class Confirmed:
    callout: str
    recipient: str
    answer: str  # komt | kan_niet
    via: str
    at: str
    note: str = ""


def folded(text: str) -> str:
    """For matching what a coordinator types: without accents, case or surrounding space ('Fatima' = 'Fátima')."""
    plain = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).casefold().split())


def find_person(typed: str, recipients: Iterable[Recipient], incident: str) -> Recipient:
    """The one recipient whose id or name is `typed` (accent- and case-insensitive), or whose name starts with
    it; refused with a suggestion otherwise."""
    people = list(recipients)
    want = folded(typed)
    exact = [r for r in people if want in (folded(r.key), folded(r.name))]
    found = exact or [r for r in people if folded(r.name).startswith(want) or folded(r.key).startswith(want)]
    if len({r.key for r in found}) == 1:
        return found[0]
    names = [r.name for r in people]
    if found:
        shown = ", ".join(sorted({f"{r.name} ({r.key})" for r in found}))
        raise UsageError(
            _("'{typed}' past bij meer opgeroepenen: {shown}").format(typed=typed, shown=shown),
            _("Geef het contact-id."),
        )
    raise UsageError(
        _("'{typed}' is niet opgeroepen voor dit incident.").format(typed=typed) + suggest(typed, names),
        # the command itself, to run as is
        _("'calamiteit oproep {incident} --status' toont wie opgeroepen is.").format(incident=incident),
    )


def digits(phone: str) -> str:
    only = "".join(c for c in phone if c.isdigit())
    return only[-9:]  # the subscriber part: +31 6 …, 06 …, 0031 6 … are one number


def token(key: bytes, callout: str, recipient: str) -> str:
    """The signed, per-recipient, per-call-out token of a confirmation link: the call-out and recipient in
    base64url, and an HMAC-SHA256 over both (the key is the logbook's own, kept in its database)."""
    what = base64.urlsafe_b64encode(f"{callout}\n{recipient}".encode()).decode().rstrip("=")
    return f"{what}.{_mac(key, what)}"


class LinkRefused(UsageError):
    """A confirmation link's token that may not be used (exit 2 on the command line; the web face turns `why`
    into its status code): `vervalst` (not signed by this logbook), `onbekend` (signed, but not of a call-out
    of this incident that reached that person), `gebruikt` (this link was answered already)."""

    def __init__(self, why: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.why = why


def read_token(key: bytes, value: str) -> tuple[str, str]:
    """(call-out, recipient) of a token this logbook signed; refused when it is not."""
    what, _dot, mac = value.strip().partition(".")
    # compared as bytes: compare_digest refuses a str with non-ASCII characters (a typed or mangled link)
    if not what or not hmac.compare_digest(mac.encode("utf-8"), _mac(key, what).encode("utf-8")):
        raise LinkRefused(
            "vervalst", _("deze bevestigingscode is niet door dit logboek ondertekend (vervalst of van een ander)")
        )
    callout, _nl, recipient = base64.urlsafe_b64decode(what + "=" * (-len(what) % 4)).decode().partition("\n")
    return callout, recipient


def _mac(key: bytes, what: str) -> str:
    digest = hmac.new(key, what.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def link(base_url: str, value: str) -> str:
    """The documented URL form: `<confirm_url>?t=<token>` (the web face of a later issue reads it)."""
    return f"{base_url.rstrip('/')}?t={value}"
