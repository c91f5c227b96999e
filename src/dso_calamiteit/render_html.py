"""The period overview as one self-contained HTML file: charts of availability and usage per day (plotly, with
its JavaScript inside the file, so the page opens without any network), and the incident and readiness tables.

Every text from the logbook or a file is HTML-escaped; plotly gets the figures as data, never as markup.
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
                    name=f"{a.name} ({a.env})",
                )
            )
        fig.update_layout(title="Beschikbaar per dag (%)", yaxis={"range": [0, 100.5]})
        parts.append(chart(fig))
        rows = "".join(
            f"<tr><td>{escape(a.name)}</td><td>{escape(a.env)}</td><td class=num>{escape(percent(a.share))}</td>"
            f"<td class=num>{escape(ms(a.median_ms))}</td><td class=num>{escape(ms(a.p95_ms))}</td>"
            f"<td>{escape(_stretch(a.longest_down))}</td><td class=num>{a.maintenance}</td></tr>"
            for a in o.availability
        )
        parts.append(
            "<table><tr><th>Applicatie</th><th>Omgeving</th><th>Beschikbaar</th><th>Mediaan</th><th>p95</th>"
            f"<th>Langst onbeschikbaar</th><th>Gepland onderhoud</th></tr>{rows}</table>"
        )
    else:
        parts.append("<p>Geen bewaarde controles in deze periode.</p>")
    parts.append("<h2>Gebruik applicaties</h2>")
    if o.usage:
        fig = go.Figure()
        for (application, metric), days in sorted(o.usage.items()):
            fig.add_trace(go.Bar(x=[d.day for d in days], y=[d.count for d in days], name=f"{application}: {metric}"))
            low = [d for d in days if d.low]
            if low:
                fig.add_trace(
                    go.Scatter(
                        x=[d.day for d in low],
                        y=[d.count for d in low],
                        mode="markers",
                        marker={"symbol": "x", "size": 12, "color": "#b00020"},
                        name=f"opvallend laag: {application}",
                    )
                )
        fig.update_layout(title="Gebruik per dag", barmode="group")
        parts.append(chart(fig))
    else:
        parts.append("<p>Geen gebruikscijfers in deze periode.</p>")
    parts.append("<h2>Incidenten en afhandeling</h2>")
    if o.incidents:
        rows = "".join(
            f"<tr><td>{escape(i.id)}</td><td>{escape(i.title)}</td><td>{'→'.join(map(str, i.path))}</td>"
            f"<td>{escape(duration(i.duration_min) if i.closed_at else 'nog open')}</td>"
            f"<td>{escape(duration(i.first_scale_up_min))}</td><td class=num>{i.sitraps}</td>"
            f"<td class=num>{i.decisions}</td><td class=num>{i.done} ({i.done_late}) / {i.open}</td></tr>"
            for i in o.incidents
        )
        parts.append(
            "<table><tr><th>Incident</th><th>Titel</th><th>Niveaus</th><th>Duur</th><th>Tot eerste opschaling</th>"
            f"<th>Sitraps</th><th>Besluiten</th><th>Acties gereed (te laat) / open</th></tr>{rows}</table>"
        )
    else:
        parts.append("<p>Geen incidenten in deze periode.</p>")
    parts.append("<h2>Paraatheid</h2>")
    if o.readiness:
        rows = "".join(
            f"<tr><td>{escape(s.org)}</td><td>{escape(s.tier)}</td><td>{escape(s.period or '—')}</td>"
            f"<td class=num>{s.gaps}</td><td class=num>{escape(duration(s.minutes))}</td></tr>"
            for s in o.readiness
        )
        parts.append(
            "<table><tr><th>Organisatie</th><th>Laag</th><th>Periode</th><th>Gaten</th><th>Ongedekt</th></tr>"
            f"{rows}</table>"
        )
    else:
        parts.append("<p>Alle eisen waren de hele periode gedekt.</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def _stretch(found: tuple[str, str, int] | None) -> str:
    if found is None:
        return "—"
    first, last, count = found
    return f"{dutchtime.local(first)} tot {dutchtime.local(last)} ({count} controles)"
