"""Cold parse of a big contact matrix: what each YAML parser costs, and what `check` costs without a cache.

    python benchmarks/yaml_parsers.py [--contacts 10000] [--runs 5] [--quick]

Target (issue 12): a cold `check` of 10,000 contacts under 1 s and 200 MiB, or within 1.3x the fastest
parser that reads the file correctly. "Correctly" is asked of each parser on the same run: YAML 1.2 scalars
(`0612345678` and `010` stay as written or decimal, `no` is text, `17:00` is text), duplicate keys refused,
a line number in its errors. Parsers that are not installed (yaml-rs, ryaml: not dependencies) are skipped.
The shipped parser must read the probe correctly, and `check` must exit 0, or the benchmark fails.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from dso_calamiteit.adapters import config
from dso_calamiteit.adapters.config import yamlfile

sys.path.insert(0, str(Path(__file__).parent))
import bench
from startup import big_contacts

PROBE = "nummer: 0612345678\noctaal: 010\nantwoord: no\ntijd: 17:00\n"


def parsers() -> dict[str, Callable[[str], Any]]:
    def ours_pyyaml(text: str) -> Any:
        fast = yamlfile._rapid
        yamlfile._rapid = lambda _: yamlfile._UNDECIDED  # the path every file took before
        try:
            return yamlfile.parse(text.encode(), "x.yaml").data
        finally:
            yamlfile._rapid = fast

    def ours(text: str) -> Any:
        return yamlfile.parse(text.encode(), "x.yaml").data

    found: dict[str, Callable[[str], Any]] = {
        "calamiteit (rapidyaml + own resolver)": ours,
        "calamiteit on PyYAML/libyaml (before)": ours_pyyaml,
        "PyYAML CSafeLoader, plain": lambda t: yaml.load(t, Loader=yaml.CSafeLoader),
    }
    try:
        import ryml

        found["rapidyaml tree only (no Python data)"] = lambda t: ryml.parse_in_arena(t.encode())
    except ImportError:
        pass
    for name, module in (("yaml-rs", "yaml_rs"), ("ryaml", "ryaml")):
        try:
            mod = __import__(module)
            found[name] = mod.loads
        except ImportError:
            print(f"{name}: not installed, skipped")
    return found


def correctness(parse: Callable[[str], Any]) -> str:
    notes = []
    try:
        data = parse(PROBE)
        if isinstance(data, dict):
            n, o, a, t = (data.get(k) for k in ("nummer", "octaal", "antwoord", "tijd"))
            if str(getattr(n, "source", n)) != "0612345678":
                notes.append(f"0612345678 -> {n!r}")
            if o not in (10, "010"):
                notes.append(f"010 -> {o!r}")
            if a != "no":
                notes.append(f"no -> {a!r}")
            if t != "17:00":
                notes.append(f"17:00 -> {t!r}")
    except Exception as exc:  # a parser's own failure is a finding
        notes.append(f"probe fails: {type(exc).__name__}")
    try:
        parse("a: 1\na: 2\n")
        notes.append("duplicate key accepted")
    except Exception:
        pass
    try:
        parse("a: [1, 2\nb: 3\n")
        notes.append("broken flow accepted")
    except Exception as exc:
        if not any(ch.isdigit() for ch in str(exc)) and not getattr(exc, "problems", None):
            notes.append("error without a line")
    return "; ".join(notes) or "correct"


def main() -> int:
    args = bench.arguments(__doc__, {"contacts": (10_000, 500), "runs": (5, 1)})
    shipped = config.shipped_dir()
    text = big_contacts(shipped, args.contacts)
    print(f"{args.contacts:,} contacts, {len(text.encode()) / 1e6:.1f} MB\n")
    print(f"{'parser':<42}{'median ms':>10}  reads it correctly?")
    fastest: list[float] = []
    for name, parse in parsers().items():
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            parse(text)
            times.append(time.perf_counter() - started)
        verdict = correctness(parse)
        if name.startswith("calamiteit (") and verdict != "correct":
            raise bench.Failed(f"the shipped parser reads the probe wrongly: {verdict}")
        if verdict == "correct":
            fastest.append(statistics.median(times))
        print(f"{name:<42}{bench.median_ms(times):>10.0f}  {verdict}")

    exe = bench.executable()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big"
        (big / "config").mkdir(parents=True)
        (big / "contacts.yaml").write_text(text, encoding="utf-8")
        shutil.copy(shipped / "config" / "routing.yaml", big / "config" / "routing.yaml")
        env = dict(os.environ, CALAMITEIT_NO_CACHE="1", CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"))
        walls, peaks = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            proc = subprocess.Popen([exe, "check", "--config-dir", str(big)], env=env, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            walls.append(time.perf_counter() - started)
            peaks.append(usage.ru_maxrss / 1024)
            if os.waitstatus_to_exitcode(status) != 0:
                raise bench.Failed(f"check of {args.contacts:,} contacts exited {os.waitstatus_to_exitcode(status)}")
    wall = bench.median_ms(walls)
    print(f"\ncold `calamiteit check` (no cache): median {wall:.0f} ms, peak {max(peaks):.0f} MiB")
    report = bench.Report(args.quick)
    # issue 12: under 1 s and 200 MiB, or within 1.3x the fastest parser that reads the file correctly
    limit = max(1000.0, 1300 * min(fastest))
    what = f"cold check, {args.contacts:,} contacts (1 s, or 1.3x the fastest correct parse)"
    report.at_most(what, wall, limit, "ms", 0)
    report.at_most("cold check, peak memory", max(peaks), 200.0, "MiB", 0)
    return report.finish()


if __name__ == "__main__":
    bench.main(main)
