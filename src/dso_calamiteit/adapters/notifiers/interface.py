"""What every channel does: deliver one message to its recipients and say, per recipient, what came of it.

A notifier never raises for a delivery that failed: a refused address, a server that hangs up or a gateway
that answers 500 is an outcome to record, and the other channels go on.

Each outcome is handed to `record` the moment it is known, before the next recipient is tried: the caller
stores it (one transaction) and answers whether to go on (False after Ctrl-C). `ids` holds each recipient's
Message-ID, the same on every retry of the same call-out, so a receiver can drop a duplicate.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence

from ...domain.callout import Delivery, Message, Outcome, Recipient

Record = Callable[[Sequence[Delivery]], bool]


def _keep_going(_: Sequence[Delivery]) -> bool:
    return True


class Notifier(ABC):
    channel: str
    record: Record = staticmethod(_keep_going)

    def send(
        self,
        message: Message,
        recipients: Sequence[Recipient],
        ids: Mapping[str, str] | None = None,
        record: Record | None = None,
        links: Mapping[str, str] | None = None,
    ) -> list[Delivery]:
        """Deliver to everyone (or until `record` says stop); every outcome also goes to `record` first.
        `links`: each recipient's own confirmation link, where the channel can carry one."""
        self.record = record or _keep_going
        self.ids = dict(ids or {})
        self.links = dict(links or {})
        return self.deliver(message, recipients)

    @abstractmethod
    def deliver(self, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]: ...

    def done(self, out: list[Delivery], deliveries: Sequence[Delivery]) -> bool:
        """Known outcomes: recorded at once, then kept; False when the caller asks to stop."""
        out.extend(deliveries)
        return self.record(deliveries)

    def all(self, recipients: Sequence[Recipient], outcome: Outcome, reason: str) -> list[Delivery]:
        """The same outcome for everyone (the channel as a whole failed, or a gateway took them all),
        recorded as one."""
        out: list[Delivery] = []
        self.done(out, [Delivery(self.channel, r.key, outcome, reason) for r in recipients])
        return out
