"""`calamiteit overzicht` over a logbook filled by the real commands on a controlled clock: the monitor against a
loopback server with --record, incidents opened, scaled, decided and closed, usage imported; the figures against
values worked out by hand."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import REPO, Invoke
from .parts import chromium
from .servers import serve
from .test_monitor import t, targets_yaml

pytestmark = pytest.mark.usefixtures("backend")

T0 = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)  # Monday 15 January 2024, 10:00 in the Netherlands
WINDOW = (
    "windows:\n  - application: Wisselend\n    start: \"2024-01-15 18:00\"\n    end: \"2024-01-15 19:00\"\n"
    "    description: Release\n"
)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def moment(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(clock, "now", fake)
    return fake


@pytest.fixture
def server():
    with serve() as running:
        yield running


def test_figures_worked_out_by_hand(
    calamiteit: Invoke, make_config: Callable[..., Path], server, moment: Clock
) -> None:
    base, _ = server
    # Wisselend answers (u) or not (d) in nine rounds an hour apart; the ninth falls in a maintenance window.
    pattern = "uudddudd" + "d"
    for hour, state in enumerate(pattern):
        moment.now = T0 + timedelta(hours=hour)
        path = "/ok" if state == "u" else "/status/503"
        folder = make_config(
            monitor=targets_yaml(t("Goed", f"{base}/ok"), t("Wisselend", f"{base}{path}")), maintenance=WINDOW
        )
        calamiteit("monitor", "--record", "--config-dir", str(folder))
    # An incident: opened at level 0, up to 1 after 30 min, to 2 after 60, back to 1 after 90, closed after 180.
    moment.now = T0
    incident = calamiteit("incident", "open", "Omgevingsloket traag").out.strip()
    steps = [(30, ("niveau", incident, "1", "--reden", "OCT")), (60, ("niveau", incident, "2", "--reden", "SCT")),
             (70, ("log", incident, "Leverancier bellen", "--besluit", "--actiehouder", "Fatima", "--deadline",
                   "2024-01-15 11:30")),
             (75, ("log", incident, "Persbericht", "--besluit", "--actiehouder", "IPLO")),
             (80, ("log", incident, "Monitoring opschalen", "--besluit", "--actiehouder", "DSO-LV")),
             (85, ("rapport", incident)), (90, ("niveau", incident, "1", "--reden", "Stabiel")),
             (120, ("actie", incident, "1", "--gereed")),  # 11:00 + 1 h = 12:00 NL: after its 11:30 deadline
             (130, ("actie", incident, "2", "--gereed")), (150, ("rapport", incident)),
             (180, ("incident", "close", incident, "--reden", "Opgelost", "--force"))]
    for minutes, args in steps:
        moment.now = T0 + timedelta(minutes=minutes)
        assert calamiteit(*args).code == 0, args
    moment.now = T0 - timedelta(days=30)
    earlier = calamiteit("incident", "open", "Lang geleden").out.strip()
    moment.now = T0 - timedelta(days=29)
    calamiteit("incident", "close", earlier, "--reden", "Klaar")  # opened and closed before the period: not in it
    calamiteit("gebruik", "import", str(REPO / "voorbeelden" / "gebruik.csv"))
    moment.now = T0 + timedelta(days=10)

    result = calamiteit("overzicht", "--van", "2024-01-15", "--tot", "2024-01-24", "--json", "--config-dir",
                        str(folder))
    assert result.code == exitcodes.OK, result.err
    doc = json.loads(result.out)
    apps = {(a["name"], a["env"]): a for a in doc["availability"]}
    good, changing = apps[("Goed", "prod")], apps[("Wisselend", "prod")]
    assert (good["checks"], good["available_pct"]) == (9, 100.0)
    assert good["median_ms"] is not None and good["median_ms"] <= good["p95_ms"]
    assert (changing["checks"], changing["maintenance_checks"]) == (8, 1)  # the ninth round was planned
    assert changing["available_pct"] == pytest.approx(100 * 3 / 8)
    longest = changing["longest_unavailable"]
    assert longest["checks"] == 3
    assert (longest["first"][:13], longest["last"][:13]) == ("2024-01-15T11", "2024-01-15T13")
    assert changing["days"] == {"2024-01-15": {"checks": 8, "up": 3}}

    incidents = doc["incidents"]
    assert incidents["by_highest_level"] == {"2": 1}
    (handled,) = incidents["list"]
    assert handled["id"] == incident and handled["path"] == [0, 1, 2, 1]
    assert (handled["first_scale_up_min"], handled["duration_min"]) == (30, 180)
    assert (handled["sitraps"], handled["decisions"], handled["done"], handled["done_late"], handled["open"]) == (
        2, 3, 2, 1, 1
    )

    usage = {(u["application"], u["metric"]): u for u in doc["usage"]}
    loket = usage[("Omgevingsloket", "indieningen")]
    assert loket["days"][0]["day"] == "2024-01-15" and len(loket["days"]) == 10
    assert [d["day"] for d in loket["days"] if d["low"]] == ["2024-01-23"]

    md = calamiteit("overzicht", "--van", "2024-01-15", "--tot", "2024-01-24", "--format", "md", "--config-dir",
                    str(folder)).out
    assert "## Beschikbaarheid applicaties" in md and "| Wisselend | prod | 37,50% |" in md
    # one character a day, 15 to 24 January: higher is more available (3 of 8 is the fourth of eight steps)
    bars = {line.split(" | ")[0].strip("| "): line.rsplit("`", 2)[1] for line in md.splitlines() if "`" in line}
    assert bars == {"Goed": "█·········", "Wisselend": "▄·········"}
    assert f"| {incident} | Omgevingsloket traag | 0→1→2→1 | 3 u 00 min | 30 min | 2 | 3 | 2 (1) / 1 |" in md
    assert "opvallend laag" in md and "## Paraatheid" in md
    table = calamiteit("overzicht", "--van", "2024-01-15", "--tot", "2024-01-24", "--config-dir", str(folder))
    assert table.code == 0 and "Wisselend" in table.out and "0→1→2→1" in table.out
    # readiness names the organisation for people (DSO-LV), its id only for scripts (the JSON's `org`)
    short = doc["readiness"]
    assert short and {s["org"]: s["name"] for s in short}.get("dso-lv") == "DSO-LV", short
    named = [s for s in short if s["org"] != s["name"]]
    assert named and all(f"| {s['name']} | {s['tier']} |" in md for s in short)
    assert not any(f"| {s['org']} | " in md for s in named)
    html = calamiteit("overzicht", "--van", "2024-01-15", "--tot", "2024-01-24", "--format", "html",
                      "--config-dir", str(folder)).out
    assert f"<td>{named[0]['name']}</td><td>{named[0]['tier']}</td>" in html
    assert f"<td>{named[0]['org']}</td>" not in html
    rows = [" ".join(line.split()) for line in table.out.splitlines()]
    assert any(line.startswith(f"{named[0]['name']} {named[0]['tier']}") for line in rows), table.out


def test_the_bar_rises_with_availability() -> None:
    """Per day of the last month: all answered is the full block, none the lowest, half the fifth of eight steps;
    a day without checks is a dot."""
    from dso_calamiteit.domain.overview import Availability
    from dso_calamiteit.views.overview import BAR_DAYS, bar

    days = [f"2024-01-{d:02d}" for d in range(1, 32)] + [f"2024-02-{d:02d}" for d in range(1, 10)]
    a = Availability("Loket", "prod", days={"2024-02-06": (4, 4), "2024-02-07": (4, 0), "2024-02-08": (4, 2)})
    assert bar(a, days) == "·" * (BAR_DAYS - 4) + "█▁▅·"
    a.days["2024-01-09"] = (1, 1)  # the 40th day back: before the last 31 days, not shown
    assert len(bar(a, days)) == BAR_DAYS and bar(a, days).startswith("·")


def test_an_empty_period_and_a_bad_one(calamiteit: Invoke, moment: Clock) -> None:
    calamiteit("incident", "open", "Iets")
    empty = calamiteit("overzicht", "--van", "2020-01-01", "--tot", "2020-01-07", "--format", "md")
    assert empty.code == 0 and "Geen bewaarde controles" in empty.out and "Geen incidenten" in empty.out
    bad = calamiteit("overzicht", "--van", "2024-02-01", "--tot", "2024-01-01")
    assert bad.code == exitcodes.USAGE and "--van ligt niet voor --tot" in bad.err


LINKED = '<a href="https://kwaad.example.nl/">Kapot</a>'  # names as markup would make: a link, bold, a script
TITLE = "Titel met <script>alert(1)</script>"
APP = "<b>Loket</b> & co"


def hostile_overview(calamiteit: Invoke, make_config: Callable[..., Path], base: str, moment: Clock,
                     tmp_path: Path) -> Path:
    """The HTML overview of a logbook whose every name is markup: two targets, an incident, usage figures."""
    folder = make_config(monitor=targets_yaml(t("Loket <b>", f"{base}/ok"), t(LINKED, f"{base}/status/500")))
    for hour in range(3):
        moment.now = T0 + timedelta(hours=hour)
        calamiteit("monitor", "--record", "--config-dir", str(folder))
    calamiteit("incident", "open", TITLE)
    usage = tmp_path / "gebruik.csv"
    usage.write_text("datum;applicatie;metriek;aantal\n" + "".join(
        f"2024-01-{day};{APP};indieningen;{1800 if day != 16 else 10}\n" for day in range(10, 18)), encoding="utf-8")
    assert calamiteit("gebruik", "import", str(usage)).code == 0
    moment.now = T0 + timedelta(days=3)
    out = tmp_path / "overzicht.html"
    result = calamiteit("overzicht", "--van", "2024-01-10", "--format", "html", "-o", str(out),
                        "--config-dir", str(folder))
    assert result.code == 0, result.err
    return out


def test_the_html_tables_hold_every_name_as_text(
    calamiteit: Invoke, make_config: Callable[..., Path], server, moment: Clock, tmp_path: Path
) -> None:
    """Read with an HTML parser: every cell holds the name as written, and no element came from a name."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.cells: list[str] = []
            self.scripts: list[str] = []
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.tags.append(tag)
            if tag in ("td", "script"):
                (self.cells if tag == "td" else self.scripts).append("")

        def handle_data(self, data: str) -> None:
            inside = next((t for t in reversed(self.tags) if t in ("td", "script", "tr")), None)
            if inside == "td":
                self.cells[-1] += data
            elif inside == "script":
                self.scripts[-1] += data

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "script"):
                self.tags.append("tr")  # what follows is outside the cell or script

    page = hostile_overview(calamiteit, make_config, server[0], moment, tmp_path).read_text(encoding="utf-8")
    parsed = Cells()
    parsed.feed(page)
    assert {"Loket <b>", LINKED, TITLE} <= set(parsed.cells)
    assert "a" not in parsed.tags and "b" not in parsed.tags  # no element made from a name
    assert not any("alert(" in script for script in parsed.scripts)  # the title did not become a script
    # the charts' names: escaped for plotly, which would read <b> and <a href> in a name as markup
    charts = "".join(parsed.scripts).replace("\\u002f", "/").replace('\\"', "'")  # plotly's JSON, read plainly
    for name in ("Loket &lt;b&gt; (prod)", "&lt;a href='https://kwaad.example.nl/'&gt;Kapot&lt;/a&gt; (prod)",
                 "&lt;b&gt;Loket&lt;/b&gt; &amp; co: indieningen"):
        assert f'"name":"{name}"' in charts, name


def test_the_html_overview_opens_offline_with_its_charts(
    calamiteit: Invoke, make_config: Callable[..., Path], server, moment: Clock, tmp_path: Path
) -> None:
    executable = chromium()  # before Playwright's import: where either is missing the test is skipped loudly
    from playwright.sync_api import sync_playwright

    out = hostile_overview(calamiteit, make_config, server[0], moment, tmp_path)
    requests: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()
                                          if route.request.url.startswith("file:") else route.abort()))
        page.goto(out.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg")
        charts = page.locator(".js-plotly-plot").count()
        legends = page.evaluate("[...document.querySelectorAll('.legendtext')].map(e => e.textContent)")
        marked = page.locator(".legend a, .legend tspan[style*=bold]").count()
        text = page.inner_text("body")
        browser.close()
    assert errors == [], errors
    assert [r for r in requests if not r.startswith("file:")] == []  # no network needed
    assert dialogs == []  # the title's script did not run
    assert charts == 2  # availability and usage per day
    assert TITLE in text and "Loket <b>" in text and LINKED in text  # the tables: shown as text
    # the legends: the names as written, no link and no bold made from them (plotly reads names as markup)
    assert sorted(legends) == sorted(["Loket <b> (prod)", f"{LINKED} (prod)"]), legends
    assert marked == 0


def test_the_roll_ups_are_filled_on_migration_from_the_checks_held(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A logbook from before the roll-ups, with checks recorded in it: after the migration the overview, which reads
    only the roll-ups, says what those checks say."""
    from dso_calamiteit.adapters.stores import postgres as on_server
    from dso_calamiteit.adapters.stores import sqlite as in_file

    from . import backends

    engine = on_server if backends.postgres() else in_file
    if backends.postgres():
        with backends.client(tmp_path) as conn:
            conn.execute("DROP SCHEMA calamiteit CASCADE")
    with monkeypatch.context() as old:  # the store as it was before the roll-ups
        old.setattr(engine, "MIGRATIONS", engine.MIGRATIONS[: engine.ROLLUPS - 1])
        old.setattr(engine, "SCHEMA_VERSION", engine.ROLLUPS - 1)
        made = calamiteit("db", "upgrade", "--json")
        assert made.code == 0 and json.loads(made.out)["after"] == engine.ROLLUPS - 1, made.out + made.err
    insert = ("INSERT INTO checks (at, name, env, url, state, status, latency_ms, reason) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    url = "https://loket.example.nl/"
    held = [  # Monday 15 January 2024, 10:00 to 10:40 in the Netherlands
        ("2024-01-15T09:00:00+00:00", "beschikbaar", 200, 100.0),
        ("2024-01-15T09:10:00+00:00", "onbeschikbaar", None, None),
        ("2024-01-15T09:20:00+00:00", "onbeschikbaar", 503, None),
        ("2024-01-15T09:30:00+00:00", "traag", 200, 2500.0),
        ("2024-01-15T09:40:00+00:00", "beschikbaar", 200, 300.0),
    ]
    backends.tamper(tmp_path / "data", *[(insert, (at, "Loket", "prod", url, state, status, ms, ""))
                                          for at, state, status, ms in held])
    upgraded = calamiteit("db", "upgrade", "--json")
    assert upgraded.code == 0 and json.loads(upgraded.out)["after"] == engine.SCHEMA_VERSION, upgraded.err
    result = calamiteit("overzicht", "--van", "2024-01-15", "--tot", "2024-01-15", "--json")
    assert result.code == 0, result.err
    (loket,) = json.loads(result.out)["availability"]
    assert (loket["name"], loket["checks"], loket["available_pct"]) == ("Loket", 5, 60.0)  # 3 of 5 answered
    assert loket["days"] == {"2024-01-15": {"checks": 5, "up": 3}}
    assert loket["longest_unavailable"] == {"first": held[1][0], "last": held[2][0], "checks": 2}
    assert loket["median_ms"] == pytest.approx(300.0, rel=0.026)  # of 100, 300 and 2500: within one bucket


def test_the_roll_ups_agree_with_the_raw_checks(tmp_path: Path) -> None:
    """Recorded in rounds, as the monitor does: the hourly counts, the runs of failed checks and the percentiles
    read from the roll-ups are what the raw rows say (percentiles within the histogram's 2.5 %)."""
    import random

    from .conftest import open_logbook

    rng = random.Random(3)
    store = open_logbook(tmp_path / "data")
    raw: list[tuple] = []
    try:
        for i in range(400):
            at = (T0 + timedelta(minutes=7 * i)).isoformat(timespec="seconds")
            round_ = []
            for app in ("A", "B"):
                state = rng.choice(["beschikbaar"] * 6 + ["traag", "onbeschikbaar", "onbeschikbaar", "onderhoud"])
                ms = None if state == "onbeschikbaar" else rng.uniform(20, 3000)
                round_.append((at, app, "prod", "https://x.example.nl/", state, 200, ms, ""))
            store.record_checks(round_)
            raw += round_
        first, last = T0.isoformat(timespec="seconds"), (T0 + timedelta(days=3)).isoformat(timespec="seconds")
        hours = {(n, e, h): (c, u, m) for n, e, h, c, u, m in store.check_hours(first, last)}
        expected: dict[tuple, list[int]] = {}
        for at, name, env, _, state, _, _, _ in raw:
            counts = expected.setdefault((name, env, at[:13]), [0, 0, 0])
            counts[0] += 1
            counts[1] += state in ("beschikbaar", "traag")
            counts[2] += state == "onderhoud"
        assert hours == {k: tuple(v) for k, v in expected.items()}
        runs: list[tuple] = []
        for app in ("A", "B"):
            current: list[str] = []
            for at, name, _, _, state, _, _, _ in raw:
                if name != app or state == "onderhoud":
                    continue
                if state == "onbeschikbaar":
                    current.append(at)
                elif current:
                    runs.append((app, "prod", current[0], current[-1], len(current)))
                    current = []
            if current:
                runs.append((app, "prod", current[0], current[-1], len(current)))
        assert sorted(store.down_stretches(first, last)) == sorted(runs)
        percentiles = {(name, env): (p50, p95) for name, env, p50, p95 in store.latency_percentiles(
            "2024-01-01", "2024-12-31")}
        assert set(percentiles) == {("A", "prod"), ("B", "prod")}  # a loop over no rows would assert nothing
        for (name, _env), (p50, p95) in percentiles.items():
            values = sorted(r[6] for r in raw if r[1] == name and r[4] in ("beschikbaar", "traag"))
            exact50, exact95 = values[(len(values) + 1) // 2 - 1], values[(95 * len(values) + 99) // 100 - 1]
            assert p50 == pytest.approx(exact50, rel=0.026) and p95 == pytest.approx(exact95, rel=0.026)
    finally:
        store.close()


def test_right_after_recording_the_overview_counts_what_was_just_recorded(
    calamiteit: Invoke, make_config: Callable[..., Path], server, moment: Clock
) -> None:
    """Issue 23: `overzicht` right after `monitor --record` and `incident open`, on the same clock: the current
    partial hour is counted, an application seen only in maintenance is listed (with a maintenance column, so
    it differs from an application without data), the incident just opened is in it, the title says the period
    as asked, and "2 (2) / 1" is explained."""
    base, _ = server
    window = (
        "windows:\n  - application: Onderhouden\n    start: \"2024-01-15 10:00\"\n    end: \"2024-01-15 12:00\"\n"
        "    description: Release\n"
    )
    folder = make_config(
        monitor=targets_yaml(t("Goed", f"{base}/ok"), t("Onderhouden", f"{base}/ok")), maintenance=window
    )
    moment.now = T0 + timedelta(minutes=35)  # 10:35 in the Netherlands: the hour 10:00-11:00 is not over
    assert calamiteit("monitor", "--record", "--config-dir", str(folder)).code == 0
    incident = calamiteit("incident", "open", "Net geopend").out.strip()
    doc = json.loads(calamiteit("overzicht", "--json", "--config-dir", str(folder)).out)
    apps = {a["name"]: a for a in doc["availability"]}
    assert (apps["Goed"]["checks"], apps["Goed"]["available_pct"]) == (1, 100.0)
    assert (apps["Onderhouden"]["checks"], apps["Onderhouden"]["maintenance_checks"]) == (0, 1)
    assert [i["id"] for i in doc["incidents"]["list"]] == [incident]

    table = calamiteit("overzicht", "--config-dir", str(folder))
    assert table.code == 0, table.err
    assert "Geen incidenten" not in table.out and incident in table.out
    rows = {line.split()[0]: line for line in table.out.splitlines() if line.split()[:1] in (["Goed"], ["Onderhouden"])}
    assert "Onderhoud" in table.out
    assert "in onderhoud" in rows["Onderhouden"] and "100,00%" in rows["Goed"]
    assert "gereed (te laat) / open" in table.out and "te laat: na de deadline" in table.out
    md = calamiteit("overzicht", "--format", "md", "--config-dir", str(folder)).out
    assert "| Onderhouden | prod | in onderhoud |" in md and "te laat: na de deadline" in md

    asked = calamiteit("overzicht", "--van", "2024-01-08", "--tot", "2024-01-15", "--config-dir", str(folder))
    assert "Overzicht ma 08-01-2024 t/m ma 15-01-2024" in asked.out
    assert "16-01-2024" not in asked.out
    md = calamiteit("overzicht", "--van", "2024-01-08", "--tot", "2024-01-15", "--format", "md", "--config-dir",
                    str(folder)).out
    assert md.startswith("# Overzicht ma 08-01-2024 t/m ma 15-01-2024\n")


PHISH = '<a href="https://evil.example/phish">Klik hier</a>'


def test_the_html_charts_are_dutch_per_application_and_hold_no_link(
    calamiteit: Invoke, make_config: Callable[..., Path], server, moment: Clock, tmp_path: Path
) -> None:
    """Issue 23: an application named as a link is text everywhere plotly writes it (legend, subplot titles,
    hover), checked in chromium's DOM after hovering every point; usage of 40,000 and 1,800 a day each on its own
    scale (the small one's low day is not on the zero line of the big one); every line its own style; the axes
    and hover in Dutch (plotly's nl locale, embedded)."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    base, _ = server
    folder = make_config(monitor=targets_yaml(t(PHISH, f"{base}/ok"), t("Groot", f"{base}/status/500"),
                                              t("Klein", f"{base}/ok")))
    for hour in range(3):
        moment.now = T0 + timedelta(hours=hour)
        calamiteit("monitor", "--record", "--config-dir", str(folder))
    usage = tmp_path / "gebruik.csv"
    rows = [f"2024-01-{day:02d};Groot;verzoeken;{40000 + day}\n" for day in range(1, 18)]
    rows += [f"2024-01-{day:02d};{PHISH};indieningen;{1800 if day != 16 else 300}\n" for day in range(1, 18)]
    usage.write_text("datum;applicatie;metriek;aantal\n" + "".join(rows), encoding="utf-8")
    assert calamiteit("gebruik", "import", str(usage)).code == 0
    moment.now = T0 + timedelta(days=3)
    out = tmp_path / "overzicht.html"
    result = calamiteit("overzicht", "--van", "2024-01-10", "--format", "html", "-o", str(out), "--config-dir",
                        str(folder))
    assert result.code == 0, result.err
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(out.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg")
        charts = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
            const seen = [];
            gd.data.forEach((trace, curve) => (trace.x || []).forEach((_, point) => {
                Plotly.Fx.hover(gd, [{curveNumber: curve, pointNumber: point}]);
                seen.push(gd.querySelector('.hoverlayer') ? gd.querySelector('.hoverlayer').textContent : '');
            }));
            const axes = Object.keys(gd._fullLayout).filter(k => /^yaxis\\d*$/.test(k))
                .map(k => gd._fullLayout[k].range[1]);
            return {hover: seen, axes: axes, dashes: gd._fullData.map(t => t.line && t.line.dash),
                    ticks: [...gd.querySelectorAll('.xtick text')].map(e => e.textContent),
                    titles: [...gd.querySelectorAll('.annotation-text, .legendtext, .gtitle')]
                        .map(e => e.textContent)};
        })""")
        links = page.evaluate("""() => [...document.querySelectorAll('a, [href], [*|href]')]
            .map(e => e.getAttribute('href') || e.getAttribute('xlink:href') || '')
            .filter(h => h.includes('evil'))""")
        anchors_in_charts = page.locator(".js-plotly-plot .main-svg a").count()
        browser.close()
    availability, used = charts
    assert links == [] and anchors_in_charts == 0
    assert any(PHISH in h for h in availability["hover"]) and any(PHISH in h for h in used["hover"])
    assert f"{PHISH}: indieningen" in used["titles"] and f"{PHISH} (prod)" in availability["titles"]
    lines = [d for d in availability["dashes"] if d]
    assert len(lines) == 3 and len(set(lines)) == 3  # no line hides another in the same style
    assert len(used["axes"]) == 2 and min(used["axes"]) < 2500 < 40000 < max(used["axes"])  # each its own scale
    assert all(re.fullmatch(r"(zo|ma|di|wo|do|vr|za) \d\d-\d\d", tick) for tick in availability["ticks"] if tick)
    assert any(re.search(r"(zo|ma|di|wo|do|vr|za) \d\d-\d\d-2024", h) for h in used["hover"])
    assert any(re.search(r"\d\.\d\d\d", h) for h in used["hover"])  # 40.001: Dutch thousands separator
