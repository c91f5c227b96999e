"""What every channel does: deliver one message to its recipients and say, per recipient, what came of it.

A notifier never raises for a delivery that failed: a refused address, a server that hangs up or a gateway
that answers 500 is an outcome to record, and the other channels go on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from ...domain.callout import Delivery, Message, Outcome, Recipient


class Notifier(ABC):
    channel: str

    @abstractmethod
    def send(self, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]: ...

    def all(self, recipients: Sequence[Recipient], outcome: Outcome, reason: str) -> list[Delivery]:
        """The same outcome for everyone (the channel as a whole failed, or a gateway took them all)."""
        return [Delivery(self.channel, r.key, outcome, reason) for r in recipients]
