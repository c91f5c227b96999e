"""`calamiteit web --tls-cert FILE --tls-key FILE`: HTTPS from uvicorn itself, tested over real TLS on loopback
with a self-signed certificate made here (the `cryptography` package, else the `openssl` binary); a file that
cannot be used is one Dutch line naming it and exit 3 before anything listens (only one of the two: exit 2)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from .conftest import Invoke
from .web import serving

pytest.importorskip("uvicorn", reason="ontbreekt: de extra 'web' (pip install -e '.[test]')")

ACCESS = "een-lange-geheime-code-voor-het-team"


def self_signed(folder: Path, name: str, password: bytes | None = None) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key, and that key (PEM), made in the test."""
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("ontbreekt: het pakket cryptography en het programma openssl (om een certificaat te maken)")
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out",
             str(cert), *(["-passout", f"pass:{password.decode()}"] if password else ["-noenc"])],
            check=True, capture_output=True,
        )
        return cert, key
    private = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    made = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(private.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(made.public_bytes(serialization.Encoding.PEM))
    protection = (serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption())
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection))
    return cert, key


def trusting(cert: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(cert))
    return context


def test_the_site_over_https(calamiteit: Invoke, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path, "site")
    incident = calamiteit("incident", "open", "Over <b>HTTPS</b>").out.strip()
    args = ("--tls-cert", str(cert), "--tls-key", str(key))
    with serving(*args, env={"CALAMITEIT_WEB_TOKEN": ACCESS}, scheme="https") as site:
        with httpx.Client(base_url=site.url, verify=trusting(cert)) as client:
            index = client.get("/", headers={"authorization": f"Bearer {ACCESS}"})
            page = client.get(f"/incident/{incident}", headers={"authorization": f"Bearer {ACCESS}"})
            entered = client.get("/", params={"token": ACCESS}, follow_redirects=False)
            public = client.get("/status/")
        with pytest.raises(httpx.ConnectError):  # a certificate nobody trusts: refused by a checking client
            httpx.get(site.url + "/status/", verify=ssl.create_default_context())
        with pytest.raises(httpx.HTTPError):  # plain HTTP on the same port is not served
            httpx.get(f"http://127.0.0.1:{site.port}/status/", timeout=5)
        site.process.terminate()
        site.process.wait(10)
        assert site.process.stderr is not None
        said = site.process.stderr.read()
    assert index.status_code == 200 and incident in index.text
    assert page.status_code == 200 and "Over &lt;b&gt;HTTPS&lt;/b&gt;" in page.text
    assert index.headers["content-security-policy"] and public.status_code == 200
    assert entered.status_code == 303 and "; Secure" in entered.headers["set-cookie"]  # over https: Secure
    assert f"Gedeeld beeld op https://127.0.0.1:{site.port}/" in said
    assert "Traceback" not in said


def web_with(calamiteit: Invoke, *args: str) -> tuple[int, str]:
    # off loopback without a token would be refused (exit 2) after the files are checked: never serves here
    done = calamiteit("web", "--host", "192.0.2.1", *args)
    return done.code, done.err


def test_tls_files_that_cannot_be_used(calamiteit: Invoke, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path, "goed")
    other_cert, other_key = self_signed(tmp_path, "ander")
    _, locked = self_signed(tmp_path, "slot", password=b"geheim-wachtwoord")
    garbage = tmp_path / "rommel.pem"
    garbage.write_text("dit is geen certificaat\n", encoding="utf-8")
    missing = tmp_path / "weg.pem"
    cases = [
        (("--tls-cert", str(missing), "--tls-key", str(key)), 3, f"--tls-cert {missing}: dat bestand bestaat niet"),
        (("--tls-cert", str(cert), "--tls-key", str(missing)), 3, f"--tls-key {missing}: dat bestand bestaat niet"),
        (("--tls-cert", str(tmp_path), "--tls-key", str(key)), 3, f"--tls-cert {tmp_path}: dat is geen bestand"),
        (("--tls-cert", str(garbage), "--tls-key", str(key)), 3, f"--tls-cert {garbage}: geen certificaat in PEM"),
        (("--tls-cert", str(key), "--tls-key", str(key)), 3, f"--tls-cert {key}: geen certificaat in PEM-vorm"),
        (("--tls-cert", str(cert), "--tls-key", str(garbage)), 3, f"--tls-key {garbage}: geen onversleutelde"),
        (("--tls-cert", str(cert), "--tls-key", str(cert)), 3, f"--tls-key {cert}: geen onversleutelde"),
        (("--tls-cert", str(cert), "--tls-key", str(other_key)), 3,
         f"--tls-key {other_key} hoort niet bij --tls-cert {cert}"),
        (("--tls-cert", str(other_cert), "--tls-key", str(key)), 3, f"--tls-key {key} hoort niet bij --tls-cert"),
        (("--tls-cert", str(cert), "--tls-key", str(locked)), 3, "de privésleutel is versleuteld met een wachtwoord"),
        (("--tls-cert", str(cert)), 2, "--tls-cert en --tls-key horen bij elkaar"),
        (("--tls-key", str(key)), 2, "--tls-cert en --tls-key horen bij elkaar"),
    ]
    if os.geteuid() != 0:  # root reads any file: this case only where permissions count
        unreadable = tmp_path / "dicht.key"
        unreadable.write_bytes(key.read_bytes())
        unreadable.chmod(0)
        cases.append((("--tls-cert", str(cert), "--tls-key", str(unreadable)), 3,
                      f"--tls-key {unreadable}: niet te lezen"))
    for args, code, first in cases:
        got, err = web_with(calamiteit, *args)
        lines = err.strip().splitlines()
        assert got == code, (args, got, err)
        assert lines[0].startswith(f"calamiteit: {first}") or first in lines[0], (args, err)
        assert len(lines) <= 2 and "Traceback" not in err, err
