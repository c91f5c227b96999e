"""Start-up benchmark: median wall time of each command beside the floor of this stack, in one run.

    python benchmarks/startup.py [--runs N]

Targets (issues 2, 11 and 14): every command within 1.3x the import floor (`import typer, rich.console, pydantic,
yaml`), including a level-1 assessment with the team to convene, `team`, `paraatheid`, `routes`, and composing and
showing a call-out (`oproep`, no --verstuur) for a team of 30; `contacts` on a generated file of 10,000 contacts
within 1.5x the same command on the shipped file.
Runs are interleaved round-robin so that machine noise hits every command alike. The cache of validated
files is warmed first (that is the normal state); one line shows a cold `check` for comparison.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dso_calamiteit.adapters import config

BIN = Path(sys.executable).parent


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    exe = shutil.which("calamiteit", path=str(BIN)) or "calamiteit"
    shipped = config.shipped_dir()
    cfg = config.load(config.locate(shipped), use_cache=False)
    answers = [a for _, c in cfg.criteria.all_criteria() for a in ("--answer", f"{c.id}=nee")]
    level_one = [  # three level-1 criteria: the advice is Niveau 1, with the OCT to convene and readiness
        a
        for i, (_, c) in enumerate(cfg.criteria.all_criteria())
        for a in ("--answer", f"{c.id}={'ja' if i in (0, 1, 2) else 'nee'}")
    ]

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = work / "big"
        (big / "config").mkdir(parents=True)
        (big / "contacts.yaml").write_text(big_contacts(shipped, 10_000), encoding="utf-8")
        shutil.copy(shipped / "config" / "routing.yaml", big / "config" / "routing.yaml")
        env = dict(
            os.environ,
            CALAMITEIT_CACHE_DIR=str(work / "cache"),
            XDG_CONFIG_HOME=str(work / "xdg"),
            CALAMITEIT_DATA_DIR=str(work / "data"),
        )
        env.pop("CALAMITEIT_CONFIG_DIR", None)
        env.pop("CALAMITEIT_DB", None)
        thirty = work / "thirty"
        team_of_thirty(shipped, thirty)
        opened = subprocess.run(
            [exe, "incident", "open", "Benchmark", "--level", "1", "--config-dir", str(thirty)],
            env=env, cwd=work, capture_output=True, text=True, check=True,
        )
        incident = opened.stdout.strip()
        cases: dict[str, list[str]] = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import floor": [sys.executable, "-c", "import typer, rich.console, pydantic, yaml"],
            "calamiteit --version": [exe, "--version"],
            "contacts iplo --json": [exe, "contacts", "iplo", "--json"],
            "assess (scripted) --json": [exe, "assess", "--no-input", "--json", *answers],
            "assess (scripted), tables": [exe, "assess", "--no-input", *answers],
            "assess level 1, tables": [exe, "assess", "--no-input", *level_one],
            "team OCT": [exe, "team", "OCT"],
            "paraatheid": [exe, "paraatheid"],
            "routes": [exe, "routes"],
            "check": [exe, "check"],
            "contacts (10,000) --json": [exe, "contacts", "persoon 9999", "--json", "--config-dir", str(big)],
            "oproep, team of 30 (shown)": [exe, "oproep", incident, "--config-dir", str(thirty)],
        }
        cold = {"check, cache off": [exe, "check"]}
        for argv in cases.values():  # warm the page cache and the validated-files cache
            subprocess.run(argv, env=env, cwd=work, stdout=subprocess.DEVNULL, check=True)
        times: dict[str, list[float]] = {name: [] for name in [*cases, *cold]}
        for _ in range(args.runs):
            for name, argv in cases.items():
                times[name].append(timed(argv, env, work))
            for name, argv in cold.items():
                times[name].append(timed(argv, dict(env, CALAMITEIT_NO_CACHE="1"), work))

    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    floor = median["import floor"]
    print(f"{'command':<28}{'median ms':>10}{'x floor':>9}  target")
    for name, ms in median.items():
        target = "" if name in ("python -c pass", "import floor") or name in cold else "<= 1.30"
        print(f"{name:<28}{ms:>10.1f}{ms / floor:>9.2f}  {target}")
    ratio = median["contacts (10,000) --json"] / median["contacts iplo --json"]
    print(f"\n10,000 contacts / shipped contacts: {ratio:.2f}x  (target <= 1.50)")
    print(f"runs per command: {args.runs}, python {sys.version.split()[0]}, {os.cpu_count()} cores")


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
