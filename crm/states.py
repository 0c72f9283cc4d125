"""The conversation state machine: one table, every move goes through it.

bot → queued → human → (bot again | closed). A closed conversation stays closed:
a customer who comes back starts a new one, linked to the same customer.
"""

from __future__ import annotations

from django.db import models


class State(models.TextChoices):
    BOT = "bot", "bot"
    QUEUED = "queued", "queued"
    HUMAN = "human", "human"
    CLOSED = "closed", "closed"


# from-state → the states it may move to
TRANSITIONS: dict[State, frozenset[State]] = {
    State.BOT: frozenset({State.QUEUED, State.HUMAN, State.CLOSED}),
    # queued → bot: the customer withdrew the request or an operator handed it back.
    State.QUEUED: frozenset({State.HUMAN, State.BOT, State.CLOSED}),
    # human → queued: transfer to another team or operator.
    State.HUMAN: frozenset({State.BOT, State.QUEUED, State.CLOSED}),
    State.CLOSED: frozenset(),
}


class IllegalTransition(Exception):
    def __init__(self, *, conversation_id: int, current: str, target: str) -> None:
        self.conversation_id = conversation_id
        self.current = State(current).value
        self.target = State(target).value
        allowed = (
            ", ".join(sorted(s.value for s in TRANSITIONS[State(current)]))
            or "nothing (final state)"
        )
        super().__init__(
            f"conversation {conversation_id} cannot go from {self.current!r} to "
            f"{self.target!r}; from {self.current!r} it may go to: {allowed}"
        )


def may_become(target: State) -> list[State]:
    """The states from which `target` can be reached (for conditional UPDATEs)."""
    return [source for source, targets in TRANSITIONS.items() if target in targets]
