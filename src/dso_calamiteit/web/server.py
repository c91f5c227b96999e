"""Starting the web face: check the logbook and the configuration before anything listens, say on the console
where the site is and who can reach it, then serve with uvicorn until Ctrl-C."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import ssl
import sys
from pathlib import Path

from ..app import configuration, incidents
from ..app.place import Place
from ..domain import exitcodes
from ..domain.errors import CalamiteitError, UsageError
from ..domain.language import N_, _
from ..domain.safetext import visible
from .guard import ENV_TOKEN
from .pages import Settings


def loopback(host: str) -> bool:
    """Only this computer can reach `host`: 127.0.0.0/8, ::1 or the name localhost."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def settings(where: Place, config_dir: Path | None, host: str, port: int) -> Settings:
    """What the site runs with, checked: off loopback only with a token, and a logbook that opens."""
    if not 1 <= port <= 65535:
        raise UsageError(_("--port {port}: kies een poort van 1 tot en met 65535").format(port=port))
    token = os.environ.get(ENV_TOKEN, "").strip() or None
    if token is not None and len(token) < 16:
        raise UsageError(
            _("{variable} is te kort ({n} tekens)").format(variable=ENV_TOKEN, n=len(token)),
            _("Gebruik minstens 16 willekeurige tekens."),
        )
    if not loopback(host) and token is None:
        raise UsageError(
            _("--host {host} is bereikbaar voor andere computers, en {variable} is niet gezet").format(
                host=host, variable=ENV_TOKEN
            ),
            _("Zet {variable} (minstens 16 willekeurige tekens), of laat --host weg (alleen deze computer).").format(
                variable=ENV_TOKEN
            ),
        )
    configuration.load(config_dir)  # a configuration error: exit 3 now, not on the first page
    incidents.open_incidents(where)  # a logbook that cannot be opened: exit 3 now (site.build verifies them)
    return Settings(where, config_dir, token, host)


class TlsError(CalamiteitError):
    """A --tls-cert or --tls-key file that cannot be used: exit 3, like a configuration file."""

    exit_code = exitcodes.CONFIG


TLS_HINT = N_("Geef een certificaat en de bijbehorende onversleutelde privésleutel, beide in PEM-vorm.")


def _refuse_password() -> bytes:
    """An encrypted key would make OpenSSL ask for its password on the terminal: refused instead."""
    raise TlsError(_("de privésleutel is versleuteld met een wachtwoord"), _(TLS_HINT))


def _readable(flag: str, path: Path) -> None:
    shown = visible(str(path))
    if not path.exists():
        raise TlsError(_("{flag} {path}: dat bestand bestaat niet").format(flag=flag, path=shown), _(TLS_HINT))
    if not path.is_file():
        raise TlsError(_("{flag} {path}: dat is geen bestand").format(flag=flag, path=shown), _(TLS_HINT))
    try:
        with path.open("rb") as f:
            f.read(1)
    except OSError as exc:
        why = exc.strerror or exc
        unreadable = _("{flag} {path}: niet te lezen ({reason})").format(flag=flag, path=shown, reason=why)
        raise TlsError(unreadable, _(TLS_HINT)) from None


def tls_files(cert: Path | None, key: Path | None) -> tuple[str, str] | None:
    """The certificate and key for HTTPS, checked before anything listens: both or neither (exit 2); each a
    readable file, a PEM certificate, an unencrypted PEM key, and the key the certificate was made with
    (exit 3, one Dutch line that names the file)."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise UsageError(_("--tls-cert en --tls-key horen bij elkaar: geef ze allebei, of geen van beide"))
    _readable("--tls-cert", cert)
    _readable("--tls-key", key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_verify_locations(cafile=str(cert))
    except ssl.SSLError:
        no_cert = _("--tls-cert {path}: geen certificaat in PEM-vorm").format(path=visible(str(cert)))
        raise TlsError(no_cert, _(TLS_HINT)) from None
    try:
        context.load_cert_chain(str(cert), str(key), password=_refuse_password)
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise TlsError(
                _("--tls-key {key} hoort niet bij --tls-cert {cert}").format(
                    key=visible(str(key)), cert=visible(str(cert))
                ),
                _("Geef de privésleutel waarmee dit certificaat gemaakt is."),
            ) from None
        no_key = _("--tls-key {path}: geen onversleutelde privésleutel in PEM-vorm").format(path=visible(str(key)))
        raise TlsError(no_key, _(TLS_HINT)) from None
    return str(cert), str(key)


def announce(chosen: Settings, port: int, tls: bool = False) -> None:
    shown = f"[{chosen.host}]" if ":" in chosen.host else chosen.host
    scheme = "https" if tls else "http"
    url = f"{scheme}://{shown}:{port}/"
    lines = [_("Gedeeld beeld op {url} (Ctrl-C stopt).").format(url=url)]
    if chosen.token is None:
        lines.append(_("Alleen bereikbaar vanaf deze computer; geen toegangscode nodig."))
    else:
        lines.append(
            _(
                "Toegang alleen met de toegangscode uit {variable}: als Bearer-header, of eenmalig als "
                "{url}?token=… (daarna onthoudt de browser het in een cookie)."
            ).format(variable=ENV_TOKEN, url=url)
        )
        if not loopback(chosen.host) and not tls:
            lines.append(_("Bereikbaar voor andere computers: zet er een reverse proxy met TLS voor, of geef "
                           "--tls-cert en --tls-key (docs/guide/web.md)."))
    for line in lines:
        sys.stderr.write(visible(line) + "\n")
    sys.stderr.flush()


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a port in use is one Dutch line, before anything is said."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        reason = _("al in gebruik") if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        raise CalamiteitError(
            _("kan niet luisteren op {host}:{port}: {reason}").format(host=host, port=port, reason=reason),
            _("Kies een andere --port of --host."),
        ) from None
    return sock


def serve(chosen: Settings, port: int, tls: tuple[str, str] | None = None) -> None:
    import uvicorn

    from .site import build

    sock = listen(chosen.host, port)
    config = uvicorn.Config(
        build(chosen), log_level="warning", access_log=False, server_header=False, proxy_headers=False,
        lifespan="on", ssl_certfile=tls[0] if tls else None, ssl_keyfile=tls[1] if tls else None,
    )
    announce(chosen, port, tls is not None)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
