"""The period overview for partners and scripts: Markdown (the report to the partners), JSON, and one
self-contained HTML file with charts of availability and usage per day (plotly, with its JavaScript inside the
file, so the page opens without any network). The tables for people are in views/tables/overview.py.

Every text from the logbook or a file is escaped for its format (Markdown, HTML); plotly gets the figures as
data, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from ..domain import dutchtime, language
from ..domain.errors import UsageError
from ..domain.language import N_, _, counted, ngettext
from ..domain.overview import Availability, Overview, period_label
from ..domain.readiness import period_name
from ..domain.safetext import markdown as esc
from ..domain.words import percent
from .jsondoc import dumps

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

BAR = "▁▂▃▄▅▆▇█"
BAR_DAYS = 31  # the bar shows the last month of a longer period


def bar(a: Availability, days: Sequence[str]) -> str:
    """One character per day (the last BAR_DAYS): higher is more available; '·' for a day without checks."""
    out = []
    for day in days[-BAR_DAYS:]:
        checks, up = a.days.get(day, (0, 0))
        out.append("·" if not checks else BAR[min(len(BAR) - 1, int(up / checks * (len(BAR) - 1) + 0.5))])
    return "".join(out)


def duration(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    hours, rest = divmod(round(minutes), 60)
    return _("{hours} u {rest:02d} min").format(hours=hours, rest=rest) if hours else _("{rest} min").format(rest=rest)


ACTIONS_NOTE = N_(
    "Acties gereed (te laat) / open: hoeveel acties gereed zijn, tussen haakjes hoeveel daarvan te laat: na de "
    "deadline gereed gemeld, en na de schuine streep hoeveel nog open staan."
)
MAINTENANCE_NOTE = N_("Onderhoud: controles tijdens gepland onderhoud; die tellen niet mee voor Beschikbaar.")


AVAILABILITY_NOTE = N_(
    "Beschikbaar per dag: het deel van de controles van die dag dat goed antwoordde (traag telt als beschikbaar); "
    "controles tijdens gepland onderhoud tellen niet mee. Een dag zonder controles heeft geen punt."
)
USAGE_NOTE = N_(
    "Gebruik per dag: één grafiek per applicatie en metriek, elk op eigen schaal. Een rood kruis is een opvallend "
    "lage dag: minder dan de helft van de mediaan van dezelfde weekdag in de weken ervoor."
)
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")  # each line its own style: none hides another
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "star")
# plotly.js's Dutch locale (as its dist/plotly-locale-nl.js, written out here: the page needs no network):
# weekday and month names for the date axes and hover, decimal comma, and the mode bar's texts.
PLOTLY_NL = """Plotly.register({moduleType: "locale", name: "nl", dictionary: {
"Autoscale": "Automatische schaal", "Box Select": "Rechthoek selecteren", "Download plot as a png": "Download als png",
"Lasso Select": "Lasso selecteren", "Pan": "Verschuiven", "Reset axes": "Assen herstellen",
"Show closest data on hover": "Dichtstbijzijnde waarde bij zweven", "Zoom": "Zoomen", "Zoom in": "Inzoomen",
"Zoom out": "Uitzoomen", "Compare data on hover": "Waarden vergelijken bij zweven",
"Toggle Spike Lines": "Hulplijnen aan/uit"},
format: {days: ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
shortDays: ["zo", "ma", "di", "wo", "do", "vr", "za"],
months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
"november", "december"],
shortMonths: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
date: "%d-%m-%Y", decimal: ",", thousands: "."}});"""


def available(a: Availability) -> str:
    """The availability share; an application checked only during planned maintenance says so (not '—', which
    is an application without any check)."""
    if a.share is None and a.maintenance:
        return _("in onderhoud")
    return percent(a.share, 2)


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def title(o: Overview) -> str:
    return _("Overzicht {period}").format(period=period_label(o.start, o.end))


def stretch(first: str, last: str) -> str:
    """The first and last failed check of the longest run."""
    return _("{first} tot {last}").format(first=dutchtime.local(first), last=dutchtime.local(last))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def still_open() -> str:
    return _("nog open")


def markdown(o: Overview) -> str:
    """The report to the partners."""
    lines = [f"# {title(o)}", "", "## " + _("Beschikbaarheid applicaties"), ""]
    if o.availability:
        lines += [
            _row([_("Applicatie"), _("Omgeving"), _("Beschikbaar"), _("Mediaan"), "p95", _("Langst onbeschikbaar"),
                  _("Onderhoud"), _("Per dag")]),
            "|---|---|---|---|---|---|---|---|",
        ]
        for a in o.availability:
            down = _stretch(a.longest_down)
            lines.append(
                f"| {esc(a.name)} | {a.env} | {available(a)} | {ms(a.median_ms)} | {ms(a.p95_ms)} | {down} | "
                f"{a.maintenance} | `{bar(a, o.days)}` |"
            )
        lines += ["", f"_{_(MAINTENANCE_NOTE)}_"]
    else:
        lines.append(_("Geen bewaarde controles in deze periode (calamiteit monitor --record)."))
    lines += ["", "## " + _("Gebruik applicaties"), ""]
    if o.usage:
        for (application, metric), days in sorted(o.usage.items()):
            low = [d for d in days if d.low]
            total = sum(d.count for d in days)
            line = "- " + ngettext(
                "{application}, {metric}: {total} in {n} dag",
                "{application}, {metric}: {total} in {n} dagen",
                len(days),
            ).format(application=esc(application), metric=esc(metric), total=total, n=len(days))
            if low:
                line += _("; opvallend laag: {days}").format(days=", ".join(
                    _("{day} ({count}, gewoonlijk {usual:.0f})").format(
                        day=dutchtime.local(d.day + "T12:00:00+00:00").split(" ")[1], count=d.count, usual=d.usual
                    )
                    for d in low
                ))
            lines.append(line)
    else:
        lines.append(_("Geen gebruikscijfers in deze periode (`calamiteit gebruik import`)."))
    lines += ["", "## " + _("Incidenten en afhandeling"), ""]
    if o.incidents:
        levels = ", ".join(_("{n} tot niveau {level}").format(n=n, level=lv) for lv, n in o.by_level().items())
        lines += [
            _("{incidents}; hoogst bereikt: {levels}.").format(
                incidents=counted(len(o.incidents), "incident", "incidenten"), levels=levels
            ),
            "",
            _row([_("Incident"), _("Titel"), _("Niveaus"), _("Duur"), _("Tot eerste opschaling"), _("Sitraps"),
                  _("Besluiten"), _("Acties gereed (te laat) / open")]),
            "|---|---|---|---|---|---|---|---|",
        ]
        for i in o.incidents:
            lines.append(
                f"| {esc(i.id)} | {esc(i.title)} | {'→'.join(map(str, i.path))} | "
                f"{duration(i.duration_min) if i.closed_at else still_open()} | {duration(i.first_scale_up_min)} | "
                f"{i.sitraps} | {i.decisions} | {i.done} ({i.done_late}) / {i.open} |"
            )
        lines += ["", f"_{_(ACTIONS_NOTE)}_"]
    else:
        lines.append(_("Geen incidenten in deze periode."))
    if o.broken:
        lines += ["", f"**{esc(o.broken_line())}**"]
    lines += ["", "## " + _("Paraatheid"), ""]
    if o.readiness:
        lines += [_row([_("Organisatie"), _("Laag"), _("Periode"), _("Gaten"), _("Ongedekt")]), "|---|---|---|---|---|"]
        lines += [f"| {esc(s.name)} | {s.tier} | {esc(period_name(s.period))} | {s.gaps} | {duration(s.minutes)} |"
                  for s in o.readiness]
    else:
        lines.append(_("Alle eisen waren de hele periode gedekt."))
    return "\n".join(lines) + "\n"


def document(o: Overview) -> str:
    """`overzicht --json` (or --format json)."""
    body = {
        "from": dutchtime.stamp(o.start),
        "to": dutchtime.stamp(o.end),
        "availability": [
            {
                "name": a.name,
                "env": a.env,
                "checks": a.checks,
                "available_pct": a.share,
                "median_ms": a.median_ms,
                "p95_ms": a.p95_ms,
                "maintenance_checks": a.maintenance,
                "longest_unavailable": None if a.longest_down is None else {
                    "first": a.longest_down[0], "last": a.longest_down[1], "checks": a.longest_down[2]
                },
                "days": {day: {"checks": c, "up": u} for day, (c, u) in sorted(a.days.items())},
            }
            for a in o.availability
        ],
        "usage": [
            {"application": app, "metric": metric,
             "days": [{"day": d.day, "count": d.count, "usual": d.usual, "low": d.low} for d in days]}
            for (app, metric), days in sorted(o.usage.items())
        ],
        "incidents": {
            "by_highest_level": {str(k): v for k, v in o.by_level().items()},
            "list": [vars(i) | {"path": list(i.path)} for i in o.incidents],
            "broken": [{"incident": f.incident, "entry": f.n, "message": f.message} for f in o.broken],
        },
        "readiness": [vars(s) for s in o.readiness],
    }
    return dumps("overview", body) + "\n"


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; } .low { color: #b00020; font-weight: bold; }
"""


def page(o: Overview) -> str:
    """`overzicht --format html`: one file, its charts drawn by plotly (imported here: only this format needs it)."""
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise UsageError(
            _("--format html vraagt plotly, en dat is niet geïnstalleerd"),
            _("pip install 'dso-calamiteit[html]', of kies --format md of json."),
        ) from None
    from plotly.offline import get_plotlyjs
    from plotly.subplots import make_subplots

    heading = title(o)
    dutch = language.current() == "nl"
    # plotly.js once, then (in Dutch) the Dutch locale registered before any chart is drawn; English is plotly's own
    locale = f"<script>{PLOTLY_NL}</script>" if dutch else ""
    parts = [f"<script>{get_plotlyjs()}</script>{locale}", f"<h1>{escape(heading)}</h1>",
             "<h2>" + escape(_("Beschikbaarheid applicaties")) + "</h2>"]

    def chart(fig: Figure, height: int = 360) -> str:
        fig.update_layout(height=height, margin={"l": 60, "r": 20, "t": 50, "b": 40}, template="plotly_white",
                          separators=",." if dutch else ".,")
        fig.update_xaxes(tickformat="%a %d-%m", hoverformat="%a %d-%m-%Y")
        html = fig.to_html(full_html=False, include_plotlyjs=False,
                           config={"displaylogo": False, "locale": "nl" if dutch else "en"})
        return str(html)

    if o.availability:
        fig = go.Figure()
        for n, a in enumerate(o.availability):
            checked = [d for d in o.days if a.days.get(d, (0, 0))[0]]
            name = _text(f"{a.name} ({a.env})")
            fig.add_trace(
                go.Scatter(
                    x=checked,
                    y=[100.0 * a.days[d][1] / a.days[d][0] for d in checked],
                    mode="lines+markers",
                    name=name,
                    line={"dash": DASHES[n % len(DASHES)], "width": 2},
                    marker={"symbol": SYMBOLS[n % len(SYMBOLS)], "size": 8},
                    hovertemplate="%{x|%a %d-%m-%Y}: %{y:.1f}%",
                )
            )
        fig.update_layout(title=_("Beschikbaar per dag (%)"),
                          yaxis={"range": [0, 100.5], "title": _("beschikbaar (%)")}, xaxis={"title": _("dag")})
        parts.append(chart(fig))
        parts.append(f"<p><small>{escape(_(AVAILABILITY_NOTE))}</small></p>")
        parts.append(
            _table(
                [_("Applicatie"), _("Omgeving"), "#" + _("Beschikbaar"), "#" + _("Mediaan"), "#p95",
                 _("Langst onbeschikbaar"), "#" + _("Onderhoud")],
                [
                    [a.name, a.env, available(a), ms(a.median_ms), ms(a.p95_ms), _stretch(a.longest_down),
                     str(a.maintenance)]
                    for a in o.availability
                ],
            )
        )
        parts.append(f"<p><small>{escape(_(MAINTENANCE_NOTE))}</small></p>")
    else:
        parts.append("<p>" + escape(_("Geen bewaarde controles in deze periode.")) + "</p>")
    parts.append("<h2>" + escape(_("Gebruik applicaties")) + "</h2>")
    if o.usage:
        # small multiples: one chart per application and metric, each on its own scale, so a low day of a
        # small application is as visible as one of a large application
        series = sorted(o.usage.items())
        fig = make_subplots(rows=len(series), cols=1, shared_xaxes=True, vertical_spacing=min(0.08, 0.3 / len(series)),
                            subplot_titles=[_text(f"{application}: {metric}") for (application, metric), _ in series])
        for row, ((application, metric), days) in enumerate(series, start=1):
            name = _text(f"{application}: {metric}")
            fig.add_trace(
                go.Bar(x=[d.day for d in days], y=[d.count for d in days], name=name, marker={"color": "#4c78a8"},
                       showlegend=False,  # the chart's title names it
                       hovertemplate="%{x|%a %d-%m-%Y}: %{y:,d}"),
                row=row, col=1,
            )
            low = [d for d in days if d.low]
            if low:
                fig.add_trace(
                    go.Scatter(
                        x=[d.day for d in low],
                        y=[d.count for d in low],
                        mode="markers",
                        marker={"symbol": "x", "size": 12, "color": "#b00020"},
                        name=_("opvallend laag"),
                        legendgroup="laag",
                        showlegend=not any(t.legendgroup == "laag" for t in fig.data),
                        hovertemplate="%{x|%a %d-%m-%Y}: %{y:,d} (" + _text(_("opvallend laag")) + ")",
                    ),
                    row=row, col=1,
                )
            fig.update_yaxes(rangemode="tozero", row=row, col=1)
        fig.update_layout(title=_("Gebruik per dag (elke grafiek op eigen schaal)"))
        parts.append(chart(fig, height=max(360, 200 * len(series))))
        parts.append(f"<p><small>{escape(_(USAGE_NOTE))}</small></p>")
    else:
        parts.append("<p>" + escape(_("Geen gebruikscijfers in deze periode.")) + "</p>")
    parts.append("<h2>" + escape(_("Incidenten en afhandeling")) + "</h2>")
    if o.incidents:
        parts.append(
            _table(
                [
                    _("Incident"),
                    _("Titel"),
                    _("Niveaus"),
                    _("Duur"),
                    _("Tot eerste opschaling"),
                    "#" + _("Sitraps"),
                    "#" + _("Besluiten"),
                    "#" + _("Acties gereed (te laat) / open"),
                ],
                [
                    [
                        i.id,
                        i.title,
                        "→".join(map(str, i.path)),
                        duration(i.duration_min) if i.closed_at else still_open(),
                        duration(i.first_scale_up_min),
                        str(i.sitraps),
                        str(i.decisions),
                        f"{i.done} ({i.done_late}) / {i.open}",
                    ]
                    for i in o.incidents
                ],
            )
        )
        parts.append(f"<p><small>{escape(_(ACTIONS_NOTE))}</small></p>")
    else:
        parts.append("<p>" + escape(_("Geen incidenten in deze periode.")) + "</p>")
    if o.broken:
        parts.append(f"<p><strong>{escape(o.broken_line())}</strong></p>")
    parts.append("<h2>" + escape(_("Paraatheid")) + "</h2>")
    if o.readiness:
        parts.append(
            _table(
                [_("Organisatie"), _("Laag"), _("Periode"), "#" + _("Gaten"), "#" + _("Ongedekt")],
                [[s.name, s.tier, period_name(s.period), str(s.gaps), duration(s.minutes)] for s in o.readiness],
            )
        )
    else:
        parts.append("<p>" + escape(_("Alle eisen waren de hele periode gedekt.")) + "</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="{language.current()}"><head><meta charset="utf-8">'
        f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )


def _text(name: str) -> str:
    """A name for plotly, which shows `&lt;` as `<` but reads `<b>`, `<br>` and `<a href>` as markup; '%{' and
    no name goes into a hover template (plotly shows the trace's escaped name beside it), where '%{' is read."""
    return escape(name, quote=False)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """An HTML table with every cell escaped; a header starting with '#' marks a column of numbers."""
    numeric = [h.startswith("#") for h in headers]
    head = "".join(f"<th>{escape(h.removeprefix('#'))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td{' class=num' if n else ''}>{escape(c)}</td>" for c, n in zip(row, numeric, strict=True))
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _stretch(found: tuple[str, str, int] | None) -> str:
    """The longest run of failed checks: its first and last check, and how many."""
    if found is None:
        return "—"
    first, last, count = found
    return ngettext("{stretch} ({n} controle)", "{stretch} ({n} controles)", count).format(
        stretch=stretch(first, last), n=count
    )
