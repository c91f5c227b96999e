"""Start-up benchmark: median wall time of each command beside the floors it is measured against, in one run.

    python benchmarks/startup.py [--runs N] [--quick]

A command's floor is what it must import to do its work (bench.FLOORS): every command is a Typer program, and one
that draws tables also needs Rich's console and tables. Each command is shown against the bare interpreter
(`python -c pass`) and against its floor, all measured in the same interleaved run (machine noise hits every
line alike). Targets (issues 2, 11 and 14): every warm command within 1.3x the import floor, the ratio those
issues set, now against what each command must import rather than the whole stack (Typer, Rich, pydantic and
PyYAML together, which flattered every command); at 10,000 contacts within 1.5x (issue 27's ratio at that size),
and `contacts` on that generated file within 1.5x the same command on the shipped file. A call-out's preview warns
when a channel's secret is not set; when the environment does not hold it and a keyring may be there (a session
bus), only the OS keyring can say, so that form's floor includes keyring's start; where none can be (a server:
no session bus, no display) and with the secrets in the environment it is measured against Typer and Rich.
The cache of validated files is warmed first (that is the normal state);
a cold `check` is shown for comparison, without a target. Every command's exit code and output are checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import bench

from dso_calamiteit.adapters import config


def big_contacts(shipped: Path, count: int) -> str:
    head = (shipped / "contacts.yaml").read_text(encoding="utf-8")
    rows = "".join(
        f"  - org: {('gemeenten', 'waterschappen', 'provincies', 'rijk')[i % 4]}\n"
        f"    role: Contactpersoon {i}\n"
        f"    name: Voorbeeld Persoon {i}\n"
        f"    tier: {('operationeel', 'tactisch', 'strategisch')[i % 3]}\n"
        f'    phone: "+31 00 {i:08d}"\n'
        f"    email: persoon{i}@voorbeeld.example.nl\n"
        f"    notes: Verzonnen contact voor de benchmark.\n"
        f"    tags: [benchmark, piket]\n"
        for i in range(count)
    )
    return head + rows


def team_of_thirty(shipped: Path, folder: Path) -> None:
    """A config folder whose OCT has 30 roles, each filled by a contact of its own (24/7 reachable)."""
    (folder / "config").mkdir(parents=True)
    contacts = (shipped / "contacts.yaml").read_text(encoding="utf-8").rstrip() + "\n" + "".join(
        f"  - id: oct-lid-{i}\n    org: gemeenten\n    role: OCT-lid {i}\n    name: Voorbeeld Lid {i}\n"
        f"    tier: tactisch\n    phone: \"+31 00 {i:08d}\"\n    email: lid{i}@voorbeeld.example.nl\n"
        for i in range(30)
    )
    (folder / "contacts.yaml").write_text(contacts, encoding="utf-8")
    members = "".join(f"      - {{group: kernteam, org: gemeenten, role: OCT-lid {i}}}\n" for i in range(30))
    (folder / "config" / "teams.yaml").write_text(
        f"teams:\n  - id: OCT\n    name: Operationeel Calamiteitenteam\n    members:\n{members}"
        "  - id: SCT\n    name: Strategisch Calamiteitenteam\n    members:\n"
        "      - {group: kernteam, org: gemeenten, role: OCT-lid 0}\n",
        encoding="utf-8",
    )
    readiness = (shipped / "config" / "paraatheid.yaml").read_text(encoding="utf-8")
    always = "".join(f"  - contact: oct-lid-{i}\n    always: true\n" for i in range(30))
    readiness = readiness.replace("\nschedules:\n", "\nschedules:\n" + always, 1)
    (folder / "config" / "paraatheid.yaml").write_text(readiness, encoding="utf-8")


TARGET = 1.3  # a warm command within this many times what it must import (issues 2, 11, 14)
AT_SIZE = 1.5  # the same at 10,000 contacts (issue 27)
TABLES, JSON, KEYRING = "import typer, rich", "import typer", "import typer, rich, keyring"
# every secret config/oproep.yaml names, as a server that keeps them in its environment has them
SECRETS = {"CALAMITEIT_SMTP_WACHTWOORD": "x", "CALAMITEIT_TEAMS_OCT": "x", "CALAMITEIT_SMS_GATEWAY": "x"}
SMTP_SECRET = "CALAMITEIT_SMTP_WACHTWOORD"  # the preview's warning that the SMTP password is not set


def kind(expected: str) -> object:
    """A check of a --json command's output: one JSON document of this kind."""

    def check(out: str) -> str | None:
        found = json.loads(out).get("kind")
        return None if found == expected else f"JSON of kind {found!r}, expected {expected!r}"

    return check


def shows(*texts: str, lacking: str | None = None) -> object:
    def check(out: str) -> str | None:
        missing = [t for t in texts if t not in out]
        if lacking is not None and lacking in out:
            return f"output shows {lacking!r}"
        return f"output lacks {missing}" if missing else None

    return check


def main() -> int:
    args = bench.arguments(__doc__, {"runs": (21, 1), "contacts": (10_000, 1_000)})
    exe = bench.executable()
    shipped = config.shipped_dir()
    cfg = config.load(config.locate(shipped), use_cache=False)
    answers = [a for _, c in cfg.criteria.all_criteria() for a in ("--answer", f"{c.id}=nee")]
    level_one = [  # three level-1 criteria: the advice is Niveau 1, with the OCT to convene and readiness
        a
        for i, (_, c) in enumerate(cfg.criteria.all_criteria())
        for a in ("--answer", f"{c.id}={'ja' if i in (0, 1, 2) else 'nee'}")
    ]
    last = args.contacts - 1

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = work / "big"
        (big / "config").mkdir(parents=True)
        (big / "contacts.yaml").write_text(big_contacts(shipped, args.contacts), encoding="utf-8")
        shutil.copy(shipped / "config" / "routing.yaml", big / "config" / "routing.yaml")
        env = dict(
            os.environ,
            CALAMITEIT_CACHE_DIR=str(work / "cache"),
            XDG_CONFIG_HOME=str(work / "xdg"),
            CALAMITEIT_DATA_DIR=str(work / "data"),
        )
        for name in ("CALAMITEIT_CONFIG_DIR", "CALAMITEIT_DB"):
            env.pop(name, None)
        env = bench.no_keyring_here(env, work / "run")  # a server; the keyring form names a session bus
        asked = bench.keyring_asked(env, work / "run")
        thirty = work / "thirty"
        team_of_thirty(shipped, thirty)
        opened = subprocess.run(
            [exe, "incident", "open", "Benchmark", "--level", "1", "--config-dir", str(thirty)],
            env=env, cwd=work, capture_output=True, text=True, check=True,
        )
        incident = opened.stdout.strip()
        # name: (argv, floor, exit code, output check)
        cases: dict[str, tuple[list[str], str, int, object]] = {
            "calamiteit --version": ([exe, "--version"], JSON, 0, shows("calamiteit ")),
            "contacts iplo --json": ([exe, "contacts", "iplo", "--json"], JSON, 0, kind("contacts")),
            "assess (scripted) --json": ([exe, "assess", "--no-input", "--json", *answers], JSON, 0,
                                         kind("assessment")),
            "assess (scripted), tables": ([exe, "assess", "--no-input", *answers], TABLES, 0,
                                          shows("Geadviseerd niveau", "Serviceketen")),
            "assess level 1, tables": ([exe, "assess", "--no-input", *level_one], TABLES, 0, shows("Niveau 1", "OCT")),
            "contacts iplo, tables": ([exe, "contacts", "iplo"], TABLES, 0, shows("IPLO")),
            "team OCT": ([exe, "team", "OCT"], TABLES, 0, shows("OCT")),
            "paraatheid": ([exe, "paraatheid"], TABLES, None, shows("Contactpersonen")),
            "routes": ([exe, "routes"], TABLES, 0, shows("IPLO")),
            "check": ([exe, "check"], TABLES, 0, None),
            f"contacts ({args.contacts:,}) --json": (
                [exe, "contacts", f"persoon {last}", "--json", "--config-dir", str(big)], JSON, 0,
                shows(f"Voorbeeld Persoon {last}"),
            ),
            "oproep, team of 30, keyring asked": ([exe, "oproep", incident, "--config-dir", str(thirty)], KEYRING,
                                                  0, shows("Voorbeeld Lid 29", SMTP_SECRET)),
            "oproep, team of 30, no keyring here": ([exe, "oproep", incident, "--config-dir", str(thirty)], TABLES,
                                                    0, shows("Voorbeeld Lid 29", SMTP_SECRET)),
            "oproep, team of 30, secrets in env": ([exe, "oproep", incident, "--config-dir", str(thirty)], TABLES,
                                                   0, shows("Voorbeeld Lid 29", lacking=SMTP_SECRET)),
        }
        envs = {name: dict(env, **SECRETS) if "secrets in env" in name else asked if "keyring asked" in name else env
                for name in cases}
        # paraatheid exits 7 when a requirement is not met now: whichever it is, the same in every run
        probe = subprocess.run(cases["paraatheid"][0], env=env, cwd=work, capture_output=True, check=False)
        cases["paraatheid"] = (*cases["paraatheid"][:2], probe.returncode, cases["paraatheid"][3])
        cold = {"check, cache off": [exe, "check"]}
        for name, (argv, _, code, check) in cases.items():  # warm the page cache and the validated-files cache
            bench.run(argv, envs[name], work, code=code, check=check)  # type: ignore[arg-type]
        times: dict[str, list[float]] = {name: [] for name in [*bench.FLOORS, *cases, *cold]}
        for _ in range(args.runs):
            for name in bench.FLOORS:  # keyring's floor where the preview asks it: with the session bus named
                times[name].append(bench.run(bench.floor_argv(name), asked if name == KEYRING else env, work))
            for name, (argv, _, code, check) in cases.items():
                times[name].append(bench.run(argv, envs[name], work, code=code, check=check))  # type: ignore[arg-type]
            for name, argv in cold.items():
                times[name].append(bench.run(argv, dict(env, CALAMITEIT_NO_CACHE="1"), work))

    median = {name: bench.median_ms(values) for name, values in times.items()}
    bare = median["python -c pass"]
    wide, narrow = max(map(len, [*times, "command (median of 100)"])) + 2, max(map(len, bench.FLOORS)) + 2
    heading = f"command (median of {args.runs})"
    print(f"{heading:<{wide}}{'ms':>8}{'x bare':>8}  {'floor':<{narrow}}{'x floor':>8}")
    for name in bench.FLOORS:
        print(f"{name:<{wide}}{median[name]:>8.1f}{median[name] / bare:>8.2f}")
    for name, (_, floor, _, _) in cases.items():
        ms = median[name]
        print(f"{name:<{wide}}{ms:>8.1f}{ms / bare:>8.2f}  {floor:<{narrow}}{ms / median[floor]:>8.2f}")
    for name in cold:
        print(f"{name:<{wide}}{median[name]:>8.1f}{median[name] / bare:>8.2f}  (cold, no target)")
    print(f"runs per command: {args.runs}, python {sys.version.split()[0]}, {os.cpu_count()} cores")

    report = bench.Report(args.quick)
    for name, (_, floor, _, _) in cases.items():
        target = AT_SIZE if f"({args.contacts:,})" in name else TARGET
        report.at_most(f"{name} / {floor}", median[name] / median[floor], target)
    report.at_most(
        f"contacts: {args.contacts:,} contacts / shipped file",
        median[f"contacts ({args.contacts:,}) --json"] / median["contacts iplo --json"],
        1.5,
    )
    return report.finish()


if __name__ == "__main__":
    bench.main(main)
