"""Cold `check` (issue 27): the whole command without the cache of validated files, beside a reference process
that does only what it must: read the same files, a plain rapidyaml walk of each into Python data (plain
scalars typed the naive way: true/false, integers, null; everything else text), then the validation the
tool must do on that data (the schema of each kind through the same pydantic adapters, then each kind's
rules with the files they read). Interleaved, each figure the median of the per-round ratios to
`python -c "import typer"` of the same round. The parts are also timed in one process (CPU ms, median of 3).

    python benchmarks/cold_check.py [--contacts N] [--runs N] [--quick]

Target: the cold check within 1.5x the reference.
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
from typing import Any

import bench
import startup

_NONE = 2**64 - 1


def plain(tree: Any, node: int) -> Any:
    """The plain walk: every node once, keys and scalars as text, plain scalars typed the naive way."""
    if tree.is_map(node):
        out = {}
        child = tree.first_child(node)
        while child != _NONE:
            out[bytes(tree.key(child)).decode()] = plain(tree, child)
            child = tree.next_sibling(child)
        return out
    if tree.is_seq(node):
        items = []
        child = tree.first_child(node)
        while child != _NONE:
            items.append(plain(tree, child))
            child = tree.next_sibling(child)
        return items
    raw = tree.val(node)
    if raw is None:
        return None
    text = bytes(raw).decode()
    if not tree.is_val_plain(node):
        return text
    if text in ("true", "false"):
        return text == "true"
    if text in ("null", "~", ""):
        return None
    return int(text) if text.isdigit() and not text.startswith("0") else text


def reference(folder: Path) -> dict[str, float]:
    """What a cold check must do, and nothing else; returns CPU ms per part."""
    import ryml

    from dso_calamiteit.adapters import config
    from dso_calamiteit.adapters.config import loading, validation
    from dso_calamiteit.adapters.config.rules import (
        callout,
        contacts,
        criteria,
        logbook,
        maintenance,
        monitor,
        readiness,
        reporting,
        routing,
        teams,
    )

    parts = {"read + walk": 0.0, "schema": 0.0, "rules": 0.0}
    typed = {}
    for src in config.locate(folder):
        t = time.process_time()
        raw = src.path.read_bytes()
        tree = ryml.parse_in_arena(raw)
        data = plain(tree, tree.root_id())
        parts["read + walk"] += time.process_time() - t
        t = time.process_time()
        typed[src.kind] = validation.adapter(validation.MODELS[src.kind]).validate_python(data)
        parts["schema"] += time.process_time() - t
    t = time.process_time()
    rules = {"criteria": criteria, "contacts": contacts, "routing": routing, "reporting": reporting,
             "monitor": monitor, "readiness": readiness, "teams": teams, "logbook": logbook, "callout": callout,
             "maintenance": maintenance}
    for kind, module in rules.items():
        found = module.check(typed[kind], *(typed.get(d) for d in loading.DEPENDS.get(kind, ())))
        if found:
            raise SystemExit(f"reference: {kind}: {found[:1]}")
    parts["rules"] += time.process_time() - t
    return {k: v * 1000 for k, v in parts.items()}


def whole(folder: Path) -> dict[str, float]:
    """The tool's own load of the same files, cache off, in parts (CPU ms)."""
    from dso_calamiteit.adapters import config
    from dso_calamiteit.adapters.config import yamlfile

    t = time.process_time()
    raws = [(src, src.path.read_bytes()) for src in config.locate(folder)]
    for src, raw in raws:
        yamlfile.parse(raw, str(src.path))
    parsed = time.process_time() - t
    t = time.process_time()
    config.load(config.locate(folder), use_cache=False)
    loaded = time.process_time() - t
    return {"yamlfile.parse (all files)": parsed * 1000, "config.load (parse + validate)": loaded * 1000}


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--reference":
        reference(Path(sys.argv[2]))
        return 0
    args = bench.arguments(__doc__, {"runs": (11, 1), "contacts": (10_000, 500)})
    exe = bench.executable()
    shipped = startup.config.shipped_dir()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = work / "big"
        shutil.copytree(shipped / "config", big / "config")
        (big / "contacts.yaml").write_text(startup.big_contacts(shipped, args.contacts), encoding="utf-8")
        (big / "criteria.yaml").write_bytes((shipped / "criteria.yaml").read_bytes())
        env = dict(os.environ, CALAMITEIT_NO_CACHE="1", CALAMITEIT_DATA_DIR=str(work / "data"),
                   CALAMITEIT_CACHE_DIR=str(work / "cache"), XDG_CONFIG_HOME=str(work / "xdg"))
        for name in ("PYTHONDONTWRITEBYTECODE", "CALAMITEIT_CONFIG_DIR", "CALAMITEIT_DB"):
            env.pop(name, None)
        commands = {
            "floor: import typer": [sys.executable, "-c", "import typer"],
            "reference: walk + validation": [sys.executable, __file__, "--reference", str(big)],
            "check (cold)": [exe, "check", "--config-dir", str(big)],
        }
        times = bench.interleaved(commands, env, args.runs)
        floor, ref = "floor: import typer", "reference: walk + validation"
        print(f"{'command (' + format(args.contacts, ',') + ' contacts)':<32}{'median ms':>10}{'x floor':>9}"
              f"{'x reference':>13}")
        for name in commands:
            by_floor = statistics.median(t / f for t, f in zip(times[name], times[floor], strict=True))
            by_ref = statistics.median(t / f for t, f in zip(times[name], times[ref], strict=True))
            print(f"{name:<32}{bench.median_ms(times[name]):>10.0f}{by_floor:>9.2f}{by_ref:>13.2f}")
        ratio = statistics.median(t / f for t, f in zip(times["check (cold)"], times[ref], strict=True))
        parts = subprocess.run(
            [sys.executable, "-c", "import sys, json; sys.path.insert(0, sys.argv[1]); import cold_check; "
             "r = [cold_check.reference(__import__('pathlib').Path(sys.argv[2])) for _ in range(3)]; "
             "w = [cold_check.whole(__import__('pathlib').Path(sys.argv[2])) for _ in range(3)]; "
             "print(json.dumps([{k: sorted(x[k] for x in r)[1] for k in r[0]}, "
             "{k: sorted(x[k] for x in w)[1] for k in w[0]}]))",
             str(Path(__file__).parent), str(big)],
            env=env, capture_output=True, text=True, check=True,
        )
        import json

        ref_parts, own_parts = json.loads(parts.stdout)
        print("\nparts in one process, CPU ms (median of 3):")
        for name, ms in {**{f"reference {k}": v for k, v in ref_parts.items()}, **own_parts}.items():
            print(f"  {name:<40}{ms:>8.0f}")
    print(f"({args.runs} interleaved rounds; load {os.getloadavg()[0]:.1f} at the end, {time.strftime('%H:%M')})")
    report = bench.Report(args.quick)
    report.at_most("cold check / (plain rapidyaml walk + validation)", ratio, 1.5)
    return report.finish()


if __name__ == "__main__":
    bench.main(main)
