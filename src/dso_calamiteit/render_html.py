"""The period overview as one self-contained HTML file: charts of availability and usage per day (plotly, with
its JavaScript inside the file, so the page opens without any network), and the incident and readiness tables.

Every text from the logbook or a file is HTML-escaped: in the tables, and in the charts' names too, because plotly
reads a name as its own small HTML (a `<a href>` in an application's name would be a live link in the legend).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from . import dutchtime
from .errors import UsageError
from .overview import Overview, duration, ms, percent

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; } .low { color: #b00020; font-weight: bold; }
"""


def page(o: Overview) -> str:
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise UsageError(
            "--format html vraagt plotly, en dat is niet geïnstalleerd",
            "pip install 'dso-calamiteit[html]', of kies --format md of json.",
        ) from None
    title = f"Overzicht {dutchtime.local(o.start)} tot {dutchtime.local(o.end)}"
    parts = [f"<h1>{escape(title)}</h1>", "<h2>Beschikbaarheid applicaties</h2>"]
    first = True

    def chart(fig: Figure) -> str:
        nonlocal first
        fig.update_layout(height=360, margin={"l": 50, "r": 20, "t": 40, "b": 40}, template="plotly_white")
        html = fig.to_html(full_html=False, include_plotlyjs=first, config={"displaylogo": False})
        first = False
        return str(html)

    if o.availability:
        fig = go.Figure()
        for a in o.availability:
            checked = [d for d in o.days if a.days.get(d, (0, 0))[0]]
            fig.add_trace(
                go.Scatter(
                    x=checked,
                    y=[100.0 * a.days[d][1] / a.days[d][0] for d in checked],
                    mode="lines+markers",
                    name=_text(f"{a.name} ({a.env})"),
                )
            )
        fig.update_layout(title="Beschikbaar per dag (%)", yaxis={"range": [0, 100.5]})
        parts.append(chart(fig))
        parts.append(
            _table(
                ["Applicatie", "Omgeving", "#Beschikbaar", "#Mediaan", "#p95", "Langst onbeschikbaar", "#Onderhoud"],
                [
                    [a.name, a.env, percent(a.share), ms(a.median_ms), ms(a.p95_ms), _stretch(a.longest_down),
                     str(a.maintenance)]
                    for a in o.availability
                ],
            )
        )
    else:
        parts.append("<p>Geen bewaarde controles in deze periode.</p>")
    parts.append("<h2>Gebruik applicaties</h2>")
    if o.usage:
        fig = go.Figure()
        for (application, metric), days in sorted(o.usage.items()):
            fig.add_trace(
                go.Bar(x=[d.day for d in days], y=[d.count for d in days], name=_text(f"{application}: {metric}"))
            )
            low = [d for d in days if d.low]
            if low:
                fig.add_trace(
                    go.Scatter(
                        x=[d.day for d in low],
                        y=[d.count for d in low],
                        mode="markers",
                        marker={"symbol": "x", "size": 12, "color": "#b00020"},
                        name=_text(f"opvallend laag: {application}"),
                    )
                )
        fig.update_layout(title="Gebruik per dag", barmode="group")
        parts.append(chart(fig))
    else:
        parts.append("<p>Geen gebruikscijfers in deze periode.</p>")
    parts.append("<h2>Incidenten en afhandeling</h2>")
    if o.incidents:
        parts.append(
            _table(
                ["Incident", "Titel", "Niveaus", "Duur", "Tot eerste opschaling", "#Sitraps", "#Besluiten",
                 "#Acties gereed (te laat) / open"],
                [
                    [i.id, i.title, "→".join(map(str, i.path)),
                     duration(i.duration_min) if i.closed_at else "nog open", duration(i.first_scale_up_min),
                     str(i.sitraps), str(i.decisions), f"{i.done} ({i.done_late}) / {i.open}"]
                    for i in o.incidents
                ],
            )
        )
    else:
        parts.append("<p>Geen incidenten in deze periode.</p>")
    parts.append("<h2>Paraatheid</h2>")
    if o.readiness:
        parts.append(
            _table(
                ["Organisatie", "Laag", "Periode", "#Gaten", "#Ongedekt"],
                [[s.org, s.tier, s.period or "—", str(s.gaps), duration(s.minutes)] for s in o.readiness],
            )
        )
    else:
        parts.append("<p>Alle eisen waren de hele periode gedekt.</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def _text(name: str) -> str:
    """A name for plotly, which shows `&lt;` as `<` but reads `<b>`, `<br>` and `<a href>` as markup."""
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
    if found is None:
        return "—"
    first, last, count = found
    return f"{dutchtime.local(first)} tot {dutchtime.local(last)} ({count} controles)"
