"""Readiness benchmark: a year of cover for 5,000 contacts and 20 requirements, at 15-minute resolution.

    python benchmarks/readiness.py [--runs 5] [--contacts 5000] [--requirements 20] [--quick]

Target (issue 5): the period check (`calamiteit paraatheid --van … --tot … --json`) within a second on this
machine. Generated data: weekly hours on 15-minute boundaries, rotas, a few hundred dated exceptions (leave with
stand-ins, extra cover), a heightened period. Measured both in-process (the gap computation alone) and as the
whole command, beside the bare interpreter and the command's floor (`import typer`: a --json command), all in
the same run. The command's exit code (7 when there are gaps) and the gaps it prints (as many as in-process)
are checked.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import bench

from dso_calamiteit.adapters import config
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.readiness import Reachability, gaps, window_for

TIERS = ("operationeel", "tactisch", "strategisch")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def quarter(rng: random.Random, low: int, high: int) -> str:
    minutes = rng.randrange(low * 4, high * 4) * 15
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def generate(folder: Path, shipped: Path, contacts: int, requirements: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    orgs = ["dso-lv", "iplo", "leveranciersmanagement", "gemeenten", "waterschappen", "provincies", "rijk"]
    head = (shipped / "contacts.yaml").read_text(encoding="utf-8").split("\ncontacts:\n")[0]
    people, schedules, rotas, exceptions = [], [], [], []
    for i in range(contacts):
        org, tier = orgs[i % len(orgs)], TIERS[(i // len(orgs)) % 3]
        people.append(
            f"  - {{id: p{i}, org: {org}, role: Rol {i % 13}, tier: {tier}, name: Persoon {i}, "
            f"phone: '+31 00 {i:08d}'}}"
        )
        if i % 5 == 4:
            continue  # every fifth contact is on a rota instead
        days = ", ".join(rng.sample(DAYS[:5], rng.randint(3, 5)))
        holiday = "true" if i % 2 else "false"
        schedules.append(
            f"  - {{contact: p{i}, weekly: [{{days: [{days}], start: '{quarter(rng, 6, 10)}', "
            f"end: '{quarter(rng, 16, 20)}'}}], closed_on_holidays: {holiday}}}"
        )
    on_rota = [i for i in range(contacts) if i % 5 == 4]
    for r in range(0, len(on_rota), 5):
        order = ", ".join(f"p{i}" for i in on_rota[r : r + 5])
        rotas.append(f"  - {{name: Rooster {r // 5}, start: '2026-01-05 08:00', shift_hours: 168, order: [{order}]}}")
    start = datetime(2026, 1, 1)
    for k in range(300):
        who, other = rng.randrange(contacts), rng.randrange(contacts)
        begin = start + timedelta(minutes=15 * rng.randrange(0, 365 * 96))
        end = begin + timedelta(minutes=15 * rng.randrange(4, 14 * 96))
        kind = "afwezig" if k % 3 else "bereikbaar"
        stand = f", stand_in: p{other}" if kind == "afwezig" and k % 2 else ""
        exceptions.append(
            f"  - {{contact: p{who}, start: '{begin:%Y-%m-%d %H:%M}', end: '{end:%Y-%m-%d %H:%M}', "
            f"kind: {kind}{stand}}}"
        )
    reqs = []
    for q in range(requirements):
        org, tier = orgs[q % len(orgs)], TIERS[q % 3]
        if q % 2:
            reqs.append(f"  - {{org: {org}, tier: {tier}, always: true}}")
        else:
            reqs.append(
                f"  - {{org: {org}, tier: {tier}, minimum: {1 + q % 2}, closed_on_holidays: true, "
                f"weekly: [{{days: [ma, di, wo, do, vr], start: '08:00', end: '17:00'}}]}}"
            )
    readiness = (
        "\n".join(
            [
                "schedules:",
                *schedules,
                "rotas:",
                *rotas,
                "exceptions:",
                *exceptions,
                "requirements:",
                *reqs,
                "heightened:",
                "  - name: Verhoogd",
                "    start: 2026-06-01",
                "    end: 2026-07-31",
                "    requirements:",
                "      - {org: iplo, tier: strategisch, always: true, minimum: 2}",
            ]
        )
        + "\n"
    )
    (folder / "config").mkdir(parents=True)
    (folder / "contacts.yaml").write_text(head + "\ncontacts:\n" + "\n".join(people) + "\n", encoding="utf-8")
    (folder / "config" / "paraatheid.yaml").write_text(readiness, encoding="utf-8")
    (folder / "config" / "teams.yaml").write_text("teams: []\n", encoding="utf-8")
    shutil.copy(shipped / "config" / "routing.yaml", folder / "config" / "routing.yaml")


def main() -> int:
    args = bench.arguments(__doc__, {"runs": (5, 1), "contacts": (5_000, 50), "requirements": (20, 5)})
    exe = bench.executable()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cfg"
        generate(folder, config.shipped_dir(), args.contacts, args.requirements)
        env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"))
        os.environ["CALAMITEIT_CACHE_DIR"] = env["CALAMITEIT_CACHE_DIR"]
        cfg = config.load(config.locate(folder))  # validates and warms the cache the commands below use
        found = 0
        inproc = []
        for _ in range(args.runs):
            started = time.perf_counter()
            window, holidays = window_for(datetime(2026, 1, 1), datetime(2027, 1, 1))
            found = len(gaps(cfg.contacts, Reachability(cfg.readiness, window, holidays)))
            inproc.append(time.perf_counter() - started)
        argv = [exe, "paraatheid", "--van", "2026-01-01", "--tot", "2026-12-31", "--json", "--config-dir", str(folder)]

        def same_gaps(out: str) -> str | None:
            shown = len(json.loads(out)["gaps"])
            return None if shown == found else f"{shown} gaps, in-process {found}"

        code = exitcodes.READINESS_GAPS if found else exitcodes.OK
        cases = {name: bench.floor_argv(name) for name in ("python -c pass", "import typer")}
        times: dict[str, list[float]] = {k: [] for k in [*cases, "command"]}
        bench.run(argv, env, code=code, check=same_gaps)
        for _ in range(args.runs):
            for name, line in cases.items():
                times[name].append(bench.run(line, env))
            times["command"].append(bench.run(argv, env, code=code, check=same_gaps))
    med = {name: bench.median_ms(values) for name, values in times.items()}
    print(f"{args.contacts} contacts, {args.requirements} requirements (+1 heightened), a year; {found} gaps found")
    print(f"  gap computation in-process (median of {args.runs}): {bench.median_ms(inproc):7.0f} ms")
    for name in cases:
        print(f"  {name:<32} {med[name]:7.0f} ms")
    whole = med["command"]
    print(f"  {'paraatheid --van --tot (year)':<32} {whole:7.0f} ms: {whole / med['python -c pass']:.1f}x the bare "
          f"interpreter, {whole / med['import typer']:.1f}x its floor (import typer)")
    report = bench.Report(args.quick)
    report.at_most("paraatheid --van --tot, a year", whole, 1000.0, "ms", 0)
    return report.finish()


if __name__ == "__main__":
    bench.main(main)
