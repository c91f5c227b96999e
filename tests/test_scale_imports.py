"""Issue 27, start-up at size: work a command does not need is not done. Each test runs the command in a fresh
interpreter (the cache of validated files warm, as it normally is) and looks at what it imported or started."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Invoke


def fresh(code: str) -> list[str]:
    """The lines a fresh interpreter prints for `code`, in this test's environment (isolated folders)."""
    done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()


@pytest.mark.skipif(sys.platform == "darwin", reason="on macOS the Keychain is the backend keyring wants")
def test_the_keyring_runs_no_program_to_find_macos_libraries_and_chooses_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A dry-run `oproep` asks the keyring for each channel's secret that the environment does not hold.
    keyring's macOS backend, imported off macOS too, made ctypes look for macOS libraries by running ldconfig
    and gcc (about 200 ms); it is kept out off macOS, and keyring picks the very backend it picked before."""
    pytest.importorskip("keyring")
    name = "CALAMITEIT_TEST_GEEN_GEHEIM"
    os.environ.pop(name, None)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/calamiteit-test-bus")  # keyring is asked
    ours = fresh(
        "import subprocess, sys\n"
        "started = []\n"
        "class Recorded(subprocess.Popen):\n"
        "    def __init__(self, args, *more, **named):\n"
        "        started.append(args)\n"
        "        super().__init__(args, *more, **named)\n"
        "subprocess.Popen = Recorded\n"
        "from dso_calamiteit.adapters.notifiers.secrets import secret\n"
        f"print(secret({name!r}))\n"
        "import keyring\n"
        "print(type(keyring.get_keyring()).__module__, type(keyring.get_keyring()).__name__)\n"
        "print(started)\n"
    )
    plain = fresh("import keyring; print(type(keyring.get_keyring()).__module__, type(keyring.get_keyring()).__name__)")
    assert ours[0] == "None"
    assert ours[1] == plain[-1]  # the same backend as keyring on its own
    assert ours[2] == "[]", f"programs started to find a secret: {ours[2]}"


def test_a_preview_on_a_server_without_a_keyring_does_not_start_keyring(
    calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The dry-run `oproep` warns when a channel's secret is not set. A secret the environment does not hold is
    asked of the keyring, unless keyring's own PYTHON_KEYRING_BACKEND names a backend that holds nothing (fail,
    null: what a server without a keyring sets), or on Linux no keyring backend can be there (no session bus,
    no display, no keyring configuration, no other package's backend): then the same warning comes without
    keyring's start."""
    pytest.importorskip("keyring")
    monkeypatch.delenv("CALAMITEIT_SMTP_WACHTWOORD", raising=False)
    opened = calamiteit("incident", "open", "Storing", "--level", "1")
    assert opened.code == 0
    code = (
        "import sys, contextlib, io\n"
        "from dso_calamiteit.cli import root\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = root.run(['oproep', {opened.out.strip()!r}])\n"
        "print(repr((code, out.getvalue(), 'keyring' in sys.modules)))\n"
    )
    results = {}
    for variable in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(variable, raising=False)  # (XDG_RUNTIME_DIR: /run/user/UID, where no bus is here)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    for backend in ("keyring.backends.null.Keyring", "keyring.backends.fail.Keyring", "no session bus", None):
        monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
        if backend is None:  # a session bus named (here one that is not there): keyring is asked
            monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/calamiteit-test-bus")
        elif backend != "no session bus":
            monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
        fresh(code)  # the first may fill the cache of validated files
        results[backend] = ast.literal_eval(fresh(code)[-1])
    asked = results.pop(None)
    assert asked[2], "with a session bus named the keyring is asked"
    assert "het SMTP-wachtwoord ontbreekt: zet CALAMITEIT_SMTP_WACHTWOORD" in asked[1]
    for backend, (code_, shown, keyring_started) in results.items():
        assert not keyring_started, f"keyring started with {backend}"
        minute = re.compile(r"\d\d:\d\d")  # the preview shows the current minute, which may turn between runs
        assert (code_, minute.sub("HH:MM", shown)) == (asked[0], minute.sub("HH:MM", asked[1]))  # warning included


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the session bus is how Linux keyrings are found")
def test_where_the_tool_skips_keyring_keyring_itself_chooses_a_backend_that_holds_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`secrets` tells without starting keyring that it would hold nothing (no session bus, no display, no
    configuration, only keyring's own backends): keyring started in that same environment ends at a backend
    of priority 0 or less, which keyring itself treats as none (the fail backend here). With a session bus named,
    the tool does ask."""
    pytest.importorskip("keyring")
    for variable in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    told = fresh(
        "import sys\n"
        "from dso_calamiteit.adapters.notifiers import secrets\n"
        "print(secrets._no_keyring_here(), 'keyring' in sys.modules)\n"
        "import keyring\n"
        "print(keyring.get_keyring().priority)\n"
    )
    assert told[0] == "True False"
    assert float(told[1]) <= 0
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "bus").touch()  # a session bus: a keyring may be there
    assert fresh("from dso_calamiteit.adapters.notifiers import secrets; print(secrets._no_keyring_here())") == [
        "False"
    ]
    (tmp_path / "run" / "bus").unlink()
    (tmp_path / "config" / "python_keyring").mkdir(parents=True)
    (tmp_path / "config" / "python_keyring" / "keyringrc.cfg").write_text("[backend]\n", encoding="utf-8")
    assert fresh("from dso_calamiteit.adapters.notifiers import secrets; print(secrets._no_keyring_here())") == [
        "False"
    ]
    (tmp_path / "config" / "python_keyring" / "keyringrc.cfg").unlink()
    plugin = tmp_path / "site" / "eigen_kluis-1.0.dist-info"  # another package's backend (as keyrings.alt has)
    plugin.mkdir(parents=True)
    (plugin / "METADATA").write_text("Metadata-Version: 2.1\nName: eigen-kluis\nVersion: 1.0\n", encoding="utf-8")
    (plugin / "entry_points.txt").write_text("[keyring.backends]\nkluis = eigen_kluis.backend\n", encoding="utf-8")
    probe = "from dso_calamiteit.adapters.notifiers import secrets; print(secrets._no_keyring_here())"
    assert fresh(probe) == ["True"]
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    assert fresh(probe) == ["False"]


def test_overzicht_without_usage_figures_does_not_load_statistics(calamiteit: Invoke) -> None:
    """`statistics` (with fractions and decimal) is only for the usual level of usage figures: an overview
    without figures does not import it."""
    assert calamiteit("incident", "open", "Storing", "--level", "1").code == 0
    code = (
        "import sys; from dso_calamiteit.cli import root; root.run(['overzicht']); print('statistics' in sys.modules)"
    )
    fresh(code)  # the first may fill the cache of validated files (and validating imports pydantic)
    assert fresh(code)[-1] == "False"
