"""Warm start-up (benchmarks/startup.py): what a command imports that it does not need. Each test runs the
console script's entry point in a fresh interpreter, the cache of validated files warm where a command reads
configuration (its normal state), and looks at which modules it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CONFIG_MACHINERY = (
    "dso_calamiteit.adapters.config",
    "dso_calamiteit.adapters.config.cache",
    "dso_calamiteit.adapters.config.finding",
    "dso_calamiteit.adapters.config.loading",
    "hashlib",
    "pickle",
)


def imported(*argv: str, code: int = 0) -> set[str]:
    """The modules `calamiteit ARGV` imported (through cli.entry, as the console script runs it)."""
    program = (
        "import json, sys\n"
        f"sys.argv = ['calamiteit', *{list(argv)!r}]\n"
        "from dso_calamiteit.cli.entry import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as ended:\n"
        "    sys.stderr.write('EXIT %s MODULES %s' % (ended.code, json.dumps(sorted(sys.modules))))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], env=dict(os.environ), capture_output=True, text=True,
                          check=False)
    _head, _, tail = done.stderr.rpartition("EXIT ")
    exit_code, _, modules = tail.partition(" MODULES ")
    assert exit_code == str(code), done.stderr[-2000:]
    return set(json.loads(modules))


@pytest.mark.parametrize("argv", [["--version"], ["--lang", "en", "--version"], ["--help"]])
def test_version_and_help_import_none_of_the_configuration_machinery(argv: list[str]) -> None:
    """`--version` and `--help` read no configuration: the config cache (pickle, hashlib) and the finding of files
    are not imported. `--version` also builds no command group."""
    modules = imported(*argv)
    assert "dso_calamiteit.cli.root" in modules  # it did run the CLI
    ours = [m for m in CONFIG_MACHINERY if m.startswith("dso_calamiteit")]
    assert sorted(m for m in CONFIG_MACHINERY if m in modules and m in ours) == []
    if "--version" in argv:  # (the help page's Markdown and Rich bring pickle of their own)
        assert sorted(m for m in CONFIG_MACHINERY if m in modules) == []
        assert sorted(m for m in modules if m.startswith("dso_calamiteit.cli.") and m not in {
            "dso_calamiteit.cli.entry", "dso_calamiteit.cli.root"}) == []


def test_a_warm_command_reads_and_hashes_no_config_file() -> None:
    """With the cache warm and the files' stats unchanged, `contacts --json` takes the cache's key from the kept
    stats: hashlib (OpenSSL) is not loaded, and no YAML parser or validation either."""
    imported("contacts", "iplo", "--json")  # may validate and fill the cache; the shipped files are old enough
    modules = imported("contacts", "iplo", "--json")
    assert "dso_calamiteit.adapters.config.cache" in modules  # it did use the cache
    assert sorted(m for m in ("hashlib", "_hashlib", "dso_calamiteit.adapters.config.yamlfile", "pydantic")
                  if m in modules) == []
