"""config/oproep.yaml: channels named once, routes to known organisations and contacts, secrets by name."""

from __future__ import annotations

import ipaddress
import re

from ....domain.callout import EMAIL as EMAIL_CHANNEL
from ....domain.callout import CalloutFile
from ....domain.contacts import ContactsFile
from ....domain.errors import suggest
from ....domain.language import _, pgettext
from .common import EMAIL, Finding, Loc, not_email, unique_ids, unknown_org

# A secret is named, never written: an environment variable's name (capitals, digits, '_'), which is also the
# item's name in the keyring. Anything else (a pasted password, a URL) is refused without being repeated.
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def check(f: CalloutFile, contacts: ContactsFile | None) -> list[Finding]:
    """Channels that exist and are named once, routes to known organisations and contacts, secrets named by
    a variable (a URL or password pasted into the file is refused: it would be in every backup)."""
    out: list[Finding] = list(unique_ids(f.webhooks, ("webhooks",), pgettext("soort id", "kanaal")))
    for i, hook in enumerate(f.webhooks):
        if hook.id == EMAIL_CHANNEL:
            out.append((("webhooks", i, "id"), _("'email' is het e-mailkanaal; kies een andere naam")))
        if not ENV_NAME.fullmatch(hook.url_from):
            out.append(
                (
                    ("webhooks", i, "url_from"),
                    _("url_from: de naam van een omgevingsvariabele (HOOFDLETTERS, cijfers en _), niet de URL zelf"),
                )
            )
        if hook.timeout_seconds <= 0:
            out.append((("webhooks", i, "timeout_seconds"), _("moet groter dan 0 zijn")))
    if f.email is not None:
        if not ENV_NAME.fullmatch(f.email.password_from):
            out.append(
                (
                    ("email", "password_from"),
                    _(
                        "password_from: de naam van een omgevingsvariabele (HOOFDLETTERS, cijfers en _), niet het "
                        "wachtwoord zelf"
                    ),
                )
            )
        if not EMAIL.match(f.email.sender):
            out.append((("email", "sender"), not_email(f.email.sender)))
        if not 0 < f.email.port < 65536:
            out.append((("email", "port"), _("moet tussen 1 en 65535 liggen")))
        if f.email.timeout_seconds <= 0:
            out.append((("email", "timeout_seconds"), _("moet groter dan 0 zijn")))
        if f.email.username and f.email.security == "geen" and not loopback(f.email.host):
            out.append(
                (
                    ("email", "security"),
                    _(
                        "aanmelden zonder versleuteling naar {host}: het wachtwoord gaat leesbaar over het netwerk; "
                        "kies security: starttls of tls (geen mag alleen met een server op deze machine)"
                    ).format(host=f.email.host),
                )
            )
    if f.deadline_seconds is not None and f.deadline_seconds <= 0:
        why = _("deadline_seconds moet groter dan 0 zijn (of weglaten: geen grens voor de hele oproep)")
        out.append((("deadline_seconds",), why))
    known = set(f.channel_ids())
    rules: list[tuple[Loc, tuple[str, ...]]] = [(("routes", "default"), f.routes.default)]
    rules += [(("routes", "organisations", org), chans) for org, chans in f.routes.organisations.items()]
    rules += [(("routes", "contacts", cid), chans) for cid, chans in f.routes.contacts.items()]
    for loc, channels in rules:
        for j, channel in enumerate(channels):
            if channel not in known:
                hint = (
                    " " + _("(er is geen email: in dit bestand)")
                    if channel == EMAIL_CHANNEL
                    else suggest(channel, known)
                )
                out.append(((*loc, j), _("onbekend kanaal '{channel}'").format(channel=channel) + hint))
    if contacts is not None:
        orgs = {o.id for o in contacts.organisations}
        ids = {c.id for c in contacts.contacts if c.id}
        for org in f.routes.organisations:
            if org not in orgs:
                out.append((("routes", "organisations", org), unknown_org(org, orgs)))
        for cid in f.routes.contacts:
            if cid not in ids:
                out.append(
                    (("routes", "contacts", cid), _("onbekend contact-id '{id}'.").format(id=cid) + suggest(cid, ids))
                )
    return out


def loopback(host: str) -> bool:
    """A relay on this machine (localhost, 127.0.0.0/8, ::1): the only place a clear-text login may go."""
    name = host.strip().strip("[]").casefold().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
