"""An in-memory Notifier: the delivery engine tested with no Slack and nothing from handlers/."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from bot.delivery.ports import DeliveryFailed, Message, PersonInfo


class MemoryNotifier:
    """Keeps every message it is handed. `fail_next` queues failures (DeliveryFailed) that the next sends
    raise in turn, as Slack's 429s, 5xx or a deactivated account would."""

    def __init__(self, people: Iterable[PersonInfo] = ()) -> None:
        self.sent: list[Message] = []
        self.people = {p.user_id: p for p in people}
        self.failures: list[DeliveryFailed] = []
        self.attempts = 0

    def fail_next(self, *failures: DeliveryFailed) -> None:
        self.failures.extend(failures)

    def send(self, message: Message) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return f"{len(self.sent)}.000"

    def person(self, user_id: str) -> PersonInfo | None:
        return self.people.get(user_id)

    def received(self, kind: type) -> Counter[str]:
        """How many messages of this kind each person received."""
        return Counter(m.user_id for m in self.sent if isinstance(m, kind))
