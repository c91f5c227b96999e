"""`oproep ID --status --json`: kept apart from views/callout.py (the message, the sitrap) so that reading the
status imports no more than it needs (benchmarks/callout_status.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.delivery_reasons import dutch, kind
from .jsondoc import dumps

if TYPE_CHECKING:
    from ..app.callout_status import Called


def status_document(incident: str, rows: list[Called]) -> str:
    """`oproep ID --status --json`: per recipient (and role) the deliveries and the answer."""
    return dumps(
        "callout-status",
        {
            "incident": incident,
            "called": [
                {
                    "recipient": r.recipient.key,
                    "name": r.recipient.name,
                    "role": r.recipient.role,
                    "org": r.recipient.org,
                    "callout": r.callout,
                    "deliveries": [
                        {"channel": ch, "outcome": o, "reason": dutch(why), "reason_kind": kind(why), "at": at}
                        for ch, o, why, at in r.deliveries
                    ],
                    "answer": r.answer or None,
                    "via": r.via or None,
                    "since": r.since or None,
                    "note": r.note or None,
                }
                for r in rows
            ],
        },
    )
