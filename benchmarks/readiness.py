"""Readiness benchmark: a year of cover for 5,000 contacts and 20 requirements, at 15-minute resolution.

    python benchmarks/readiness.py [--runs 5] [--contacts 5000] [--requirements 20] [--quick]

Target (issues 5 and 27): the period check (`calamiteit paraatheid --van … --tot … --json`) over a year with
5,000 contacts within a second, growing linearly. Generated data: weekly hours on 15-minute boundaries, rotas, a
few hundred dated exceptions (leave with stand-ins, extra cover), a heightened period. Three cases, each as the
whole command (wall time and the CPU it spent, interleaved with the floors `python -c pass` and `import typer` in
the same rounds) and as the gap computation in-process (CPU): a year with all contacts, half a year with all
contacts, a year with half the contacts. Every case must stay under a second; the growth lines compare the
in-process computation, the three cases interleaved round by round, as the median of each round's ratio: linear
growth doubles it (2.0x), quadratic would give 4x. The command's exit code (7 when
there are gaps) and the gaps it prints (as many as in-process) are checked.
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import bench

from dso_calamiteit.adapters import config
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.readiness import Reachability, gaps, window_for

TIERS = ("operationeel", "tactisch", "strategisch")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def paired(these: list[float], those: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(these, those, strict=True))


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


CASES = (  # name, contacts (as a share of --contacts), last day
    ("year", 1, datetime(2027, 1, 1)),
    ("half year", 1, datetime(2026, 7, 1)),
    ("year, fewer", 2, datetime(2027, 1, 1)),
)


def main() -> int:
    args = bench.arguments(__doc__, {"runs": (5, 1), "contacts": (5_000, 50), "requirements": (20, 5)})
    exe = bench.executable()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"))
        os.environ["CALAMITEIT_CACHE_DIR"] = env["CALAMITEIT_CACHE_DIR"]
        folders: dict[int, Path] = {}
        for _, share, _ in CASES:
            if share not in folders:
                folders[share] = Path(tmp) / f"cfg{share}"
                generate(folders[share], config.shipped_dir(), args.contacts // share, args.requirements)
        inproc: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
        found: dict[str, int] = {}
        commands: dict[str, list[str]] = {}
        loaded = {name: config.load(config.locate(folders[share])) for name, share, _ in CASES}  # warms the cache
        for run in range(args.runs + 1):  # the first round unmeasured: it loads the holidays package
            for name, _, last in CASES:  # interleaved, so a change in the machine's load hits every case alike
                gc.collect()
                started = time.process_time()
                window, holidays = window_for(datetime(2026, 1, 1), last)
                found[name] = len(gaps(loaded[name].contacts, Reachability(loaded[name].readiness, window, holidays)))
                if run:
                    inproc[name].append(time.process_time() - started)
        for name, share, last in CASES:
            till = (last - timedelta(days=1)).date().isoformat()
            commands[name] = [exe, "paraatheid", "--van", "2026-01-01", "--tot", till, "--json",
                              "--config-dir", str(folders[share])]

        def same_gaps(name: str) -> Callable[[str], str | None]:
            def check(out: str) -> str | None:
                shown = len(json.loads(out)["gaps"])
                return None if shown == found[name] else f"{shown} gaps, in-process {found[name]}"
            return check

        def code(name: str) -> int:
            return exitcodes.READINESS_GAPS if found[name] else exitcodes.OK

        floors = {name: bench.floor_argv(name) for name in ("python -c pass", "import typer")}
        wall: dict[str, list[float]] = {k: [] for k in [*floors, *commands]}
        cpu: dict[str, list[float]] = {k: [] for k in wall}
        for name, argv in commands.items():
            bench.run(argv, env, code=code(name), check=same_gaps(name))
        for _ in range(args.runs):
            for name, argv in [*floors.items(), *commands.items()]:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                if name in floors:
                    wall[name].append(bench.run(argv, env))
                else:
                    wall[name].append(bench.run(argv, env, code=code(name), check=same_gaps(name)))
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    med = {name: bench.median_ms(values) for name, values in wall.items()}
    med_cpu = {name: bench.median_ms(values) for name, values in cpu.items()}
    computed = {name: bench.median_ms(values) for name, values in inproc.items()}
    print(f"{args.contacts} contacts, {args.requirements} requirements (+1 heightened); medians of {args.runs} "
          f"interleaved rounds, load average {os.getloadavg()[0]:.1f}")
    print(f"  {'':<38} {'wall':>8} {'CPU':>8} {'in-process CPU':>15}")
    for name in floors:
        print(f"  {name:<38} {med[name]:5.0f} ms {med_cpu[name]:5.0f} ms")
    floor = "import typer"
    label = {name: f"{name.split(',')[0]}, {args.contacts // share:,} contacts" for name, share, _ in CASES}
    for name, _, _ in CASES:
        print(f"  {'paraatheid ' + label[name]:<38} {med[name]:5.0f} ms {med_cpu[name]:5.0f} ms "
              f"{computed[name]:9.0f} ms   {found[name]} gaps; {med[name] / med[floor]:.1f}x the floor's wall, "
              f"{med_cpu[name] / med_cpu[floor]:.1f}x its CPU")
    report = bench.Report(args.quick)
    for name, _, _ in CASES:
        report.at_most(f"{label[name]}: wall (floor {med[floor]:.0f} ms)", med[name], 1000.0, "ms", 0)
        report.at_most(f"{label[name]}: CPU (floor {med_cpu[floor]:.0f} ms)", med_cpu[name], 1000.0, "ms", 0)
    year, half, fewer = (inproc[name] for name, _, _ in CASES)
    # the median of the ratios of the same round: a burst of load elsewhere lands in one round, not in one case
    report.at_most("growth: a year / half a year (in-process)", paired(year, half), 2.5)
    report.at_most(f"growth: {args.contacts:,} / {args.contacts // 2:,} contacts (in-process)",
                   paired(year, fewer), 2.5)
    return report.finish()


if __name__ == "__main__":
    bench.main(main)
