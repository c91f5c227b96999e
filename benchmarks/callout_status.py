"""`oproep ID --status` on an incident with 1,000 deliveries costs no more than starting up and reading those rows
(issue 22).

    python benchmarks/callout_status.py [--quick] [--people N] [--rounds N] [--runs N]

An incident (SQLite, the default logbook) with `--rounds` call-outs of `--people` recipients on two channels
(e-mail and SMS): 250 x 2 x 2 = 1,000 delivery rows, and a confirmation entry from every tenth person. Measured,
median of `--runs`: `calamiteit oproep ID --status --json` and the table (`--status`, the width of a terminal).
The floor of each is its start-up floor (bench.FLOORS: a Typer program, with Rich's console and tables for the
table) plus a plain in-process read of the same rows (the deliveries and the confirmation entries: SELECT and
fetch, nothing else). Target: each <= 1.3x its floor. The JSON is checked (every recipient, their answer).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import bench

from dso_calamiteit.adapters import config
from dso_calamiteit.adapters.stores import location, open_store
from dso_calamiteit.adapters.stores.location import LOGBOOK_FILE

TARGET = 1.3
AT = "2026-11-25T09:00:00+00:00"


def build(folder: Path, exe: str, env: dict[str, str], people: int, rounds: int) -> str:
    """The incident and its call-outs' deliveries, written as a call-out writes them (intent, then outcomes)."""
    import subprocess

    done = subprocess.run([exe, "incident", "open", "Storing", "--level", "1"], env=env, capture_output=True,
                          text=True, check=True)
    incident = done.stdout.strip()
    store = open_store(location.folder(folder))
    try:
        for r in range(1, rounds + 1):
            callout = f"{incident}/convocation-1#{r}"
            planned = [(ch, f"adviseur-{i}", f"<{r}.{ch}.{i}@dso.example.nl>") for i in range(people)
                       for ch in ("email", "sms")]
            store.record_intent(incident, callout, planned, AT)
            store.record_outcomes(callout, [(ch, who, "accepted", "") for ch, who, _ in planned], AT)
        for i in range(0, people, 10):
            body = {"callout": f"{incident}/convocation-1#{rounds}", "recipient": f"adviseur-{i}",
                    "name": f"adviseur-{i}", "role": f"adviseur-{i}", "answer": "komt", "via": "telefoon"}
            store.append(incident, "confirmation", body, "benchmark", AT)
    finally:
        store.close()
    return incident


def read_rows(path: Path, incident: str) -> float:
    """Seconds to read what the command reads, plainly, in-process: the deliveries and the confirmations."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    started = time.perf_counter()
    conn.execute("SELECT callout, channel, recipient, message_id, outcome, reason, at FROM deliveries "
                 "WHERE incident = ? ORDER BY callout, channel, recipient", (incident,)).fetchall()
    conn.execute("SELECT n, at, author, body FROM entries WHERE incident = ? AND kind = 'confirmation' ORDER BY n",
                 (incident,)).fetchall()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def checked(people: int) -> object:
    def check(out: str) -> str | None:
        doc = json.loads(out)
        called = doc["called"]
        answered = sum(1 for r in called if r["answer"] == "komt")
        if len(called) != people or answered != len(range(0, people, 10)):
            return f"{len(called)} called, {answered} answered; expected {people}, {len(range(0, people, 10))}"
        return None

    return check


def body() -> int:
    args = bench.arguments(__doc__, {"people": (250, 25), "rounds": (2, 2), "runs": (7, 1)})
    exe = bench.executable()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        env = dict(os.environ, CALAMITEIT_DATA_DIR=str(folder), CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"),
                   COLUMNS="120")
        env.pop("CALAMITEIT_DB", None)
        incident = build(folder, exe, env, args.people, args.rounds)
        deliveries = args.people * 2 * args.rounds
        cfg = ["--config-dir", str(config.shipped_dir())]
        as_json = [exe, "oproep", incident, "--status", "--json", *cfg]
        table = [exe, "oproep", incident, "--status", *cfg]
        check = checked(args.people)
        bench.run(as_json, env, check=check)  # type: ignore[arg-type]  # and warms the caches
        bench.run(table, env)
        times: dict[str, list[float]] = {"json": [], "table": [], "typer": [], "typer+rich": [], "rows": [],
                                          "version": []}
        for _ in range(args.runs):
            times["json"].append(bench.run(as_json, env, check=check))  # type: ignore[arg-type]
            times["table"].append(bench.run(table, env))
            times["typer"].append(bench.run(bench.floor_argv("import typer"), env))
            times["typer+rich"].append(bench.run(bench.floor_argv("import typer, rich"), env))
            times["rows"].append(read_rows(folder / LOGBOOK_FILE, incident))
            times["version"].append(bench.run([exe, "--version"], env))
    ms = {k: bench.median_ms(v) for k, v in times.items()}
    print(f"\noproep --status on {deliveries:,} deliveries ({args.people} people x 2 channels x {args.rounds} "
          f"call-outs), median of {args.runs}:")
    print(f"  --status --json: {ms['json']:.0f} ms; floor: import typer {ms['typer']:.0f} ms + rows "
          f"{ms['rows']:.1f} ms")
    print(f"  --status (table): {ms['table']:.0f} ms; floor: import typer, rich {ms['typer+rich']:.0f} ms + rows "
          f"{ms['rows']:.1f} ms")
    print(f"  (calamiteit --version alone, same run: {ms['version']:.0f} ms = {ms['version'] / ms['typer']:.2f}x "
          "import typer)")
    report = bench.Report(args.quick)
    report.at_most(f"--status --json / floor ({deliveries:,} deliveries)", ms["json"] / (ms["typer"] + ms["rows"]),
                   TARGET)
    report.at_most(f"--status table / floor ({deliveries:,} deliveries)",
                   ms["table"] / (ms["typer+rich"] + ms["rows"]), TARGET)
    return report.finish()


if __name__ == "__main__":
    bench.main(body)
