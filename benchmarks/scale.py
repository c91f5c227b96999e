"""Start-up at size (issue 27): every command a coordinator runs on a config of N contacts (default 10,000), and
`assess` with an answers file and tables on the shipped config, each against the issue's floor
(`python -c "import typer, rich.console, pydantic, yaml"`), in one interleaved run: every round runs the floor
and then each command once, and each figure is the median of the per-round ratios to the floor of the same
round (a busy neighbour on the machine moves that far less than a median of times taken minutes apart).

    python benchmarks/scale.py [--runs N] [--contacts N] [--quick]

Targets: every command at N contacts within 1.5x the floor, the shipped-size forms within 1.3x. The call-out's
preview where a keyring may be (a session bus) must ask it: that form against the floor with keyring started.
The cache of validated files is warmed first (the normal state). Exit codes and outputs are checked.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench
import startup

from dso_calamiteit.adapters import config

FLOOR = [sys.executable, "-c", "import typer, rich.console, pydantic, yaml"]
# the same with keyring started as the tool starts it (its macOS shortcut; nothing when keyring is not installed)
KEYRING_FLOOR = [sys.executable, "-c", "import sys\nimport typer, rich.console, pydantic, yaml\n" + bench.FLOORS[
    "import typer, rich, keyring"].split("\n", 2)[2]]


def main() -> int:
    args = bench.arguments(__doc__, {"runs": (15, 1), "contacts": (10_000, 500)})
    exe = bench.executable()
    shipped = config.shipped_dir()
    cfg = config.load(config.locate(shipped), use_cache=False)
    criteria = [c.id for _, c in cfg.criteria.all_criteria()]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = work / "big"
        (big / "config").mkdir(parents=True)
        (big / "contacts.yaml").write_text(startup.big_contacts(shipped, args.contacts), encoding="utf-8")
        shutil.copy(shipped / "config" / "routing.yaml", big / "config" / "routing.yaml")
        answers = work / "answers.yaml"  # the form an operator writes: one `id: ja|nee` a line
        answers.write_text("".join(f"{c}: {'ja' if i < 3 else 'nee'}\n" for i, c in enumerate(criteria)), "utf-8")
        env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(work / "cache"), XDG_CONFIG_HOME=str(work / "xdg"),
                   CALAMITEIT_DATA_DIR=str(work / "data"), CALAMITEIT_AUTEUR="benchmark")
        for name in ("CALAMITEIT_CONFIG_DIR", "CALAMITEIT_DB", "PYTHONDONTWRITEBYTECODE", "CALAMITEIT_JSON_INDENT"):
            env.pop(name, None)
        env = bench.no_keyring_here(env, work / "run")  # a server; the keyring form names a session bus
        asked = bench.keyring_asked(env, work / "run")
        opened = subprocess.run([exe, "incident", "open", "Benchmark", "--level", "1", "--config-dir", str(big)],
                                env=env, cwd=work, capture_output=True, text=True, check=True)
        incident = opened.stdout.strip()
        at, last = ["--config-dir", str(big)], args.contacts - 1
        n = f"{args.contacts:,}"
        # name: (argv, target)
        cases: dict[str, tuple[list[str], float]] = {
            f"paraatheid ({n})": ([exe, "paraatheid", *at], 1.5),
            f"paraatheid --json ({n})": ([exe, "paraatheid", "--json", *at], 1.5),
            f"team OCT ({n})": ([exe, "team", "OCT", *at], 1.5),
            f"overzicht ({n})": ([exe, "overzicht", *at], 1.5),
            f"oproep, no keyring here ({n})": ([exe, "oproep", incident, *at], 1.5),
            f"oproep, keyring asked ({n})": ([exe, "oproep", incident, *at], 1.5),
            f"oproep, secrets in env ({n})": ([exe, "oproep", incident, *at], 1.5),
            f"assess --json ({n})": ([exe, "assess", "--no-input", "--json", "--answers", str(answers), *at], 1.5),
            f"assess tables ({n})": ([exe, "assess", "--no-input", "--answers", str(answers), *at], 1.5),
            f"contacts --json ({n})": ([exe, "contacts", f"persoon {last}", "--json", *at], 1.5),
            f"contacts tables ({n})": ([exe, "contacts", f"persoon {last}", *at], 1.5),
            "assess --answers FILE, tables (shipped)": ([exe, "assess", "--no-input", "--answers", str(answers)], 1.3),
            "assess --answers FILE --json (shipped)": (
                [exe, "assess", "--no-input", "--json", "--answers", str(answers)], 1.3),
        }
        # a dry-run oproep asks the OS keyring for each channel's secret the environment does not hold, where a
        # keyring may be (a session bus): keyring's start (loading every backend it knows) is then part of what
        # the command must do, and that form is measured against the floor with keyring started as well
        secrets = dict(env, CALAMITEIT_SMTP_WACHTWOORD="x", CALAMITEIT_TEAMS_OCT="x", CALAMITEIT_SMS_GATEWAY="x")
        envs = {name: secrets if "secrets in env" in name else asked if "keyring asked" in name else env
                for name in cases}
        floors = {name: "floor + keyring" if "keyring asked" in name else "floor" for name in cases}
        codes = {}
        for name, (argv, _) in cases.items():  # paraatheid exits 7 when a requirement is not met: take its code
            codes[name] = subprocess.run(argv, env=envs[name], cwd=work, capture_output=True, check=False).returncode
            if codes[name] not in (0, 7):
                raise bench.Failed(f"{name}: exit {codes[name]}")
        times: dict[str, list[float]] = {"floor": [], "floor + keyring": [], **{name: [] for name in cases}}
        for _ in range(args.runs):
            times["floor"].append(bench.run(FLOOR, env, work))
            times["floor + keyring"].append(bench.run(KEYRING_FLOOR, asked, work))
            for name, (argv, _) in cases.items():
                times[name].append(bench.run(argv, envs[name], work, code=codes[name]))
    print(f"{'command':<42}{'median ms':>10}{'x floor':>9}")
    print(f"{'floor: import typer, rich.console, pydantic, yaml':<42}{bench.median_ms(times['floor']):>10.0f}")
    print(f"{'floor + keyring (its start)':<42}{bench.median_ms(times['floor + keyring']):>10.0f}")
    report = bench.Report(args.quick)
    for name, (_, target) in cases.items():
        ratio = statistics.median(t / f for t, f in zip(times[name], times[floors[name]], strict=True))
        print(f"{name:<42}{bench.median_ms(times[name]):>10.0f}{ratio:>9.2f}")
        report.at_most(f"{name} / {floors[name]}", ratio, target)
    print(f"({args.runs} interleaved rounds, medians of paired ratios; load {os.getloadavg()[0]:.1f} at the end, "
          f"{time.strftime('%H:%M')})")
    return report.finish()


if __name__ == "__main__":
    bench.main(main)
