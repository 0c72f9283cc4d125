"""Who may do what in the operator console. Checked on every page and every frame.

- The console is for users with `agent_console.use_console` (crm/roles.py gives it to
  operators and supervisors).
- An operator reads and acts on the conversations of their teams, plus those that have
  no team yet (chats the bot is still handling, which anyone may watch and step into).
- Writing to the customer is for the conversation's owner only; crm.services enforces
  that in the same UPDATE that stores the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm import selectors as crm_selectors
from crm.models import Conversation

USE_CONSOLE = "agent_console.use_console"


def can_use_console(user: Any) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.has_perm(USE_CONSOLE)
    )


@dataclass(frozen=True)
class Access:
    conversation_id: int
    exists: bool
    readable: bool  # may watch, take over, note, hand back / transfer / close a queued chat
    owner: bool  # writes to the customer

    @property
    def forbidden(self) -> bool:
        return not self.readable


def conversation_access(user: Any, conversation_id: int) -> Access:
    row = (
        Conversation.objects.filter(pk=conversation_id).values("team_id", "owner_id").first()
        if can_use_console(user)
        else None
    )
    if row is None:
        return Access(conversation_id, exists=False, readable=False, owner=False)
    teams = crm_selectors.operator_team_ids(user_id=user.pk)
    readable = row["team_id"] is None or row["team_id"] in teams
    return Access(
        conversation_id,
        exists=True,
        readable=readable,
        owner=readable and row["owner_id"] == user.pk,
    )


def customer_visible(user: Any, customer_id: int) -> bool:
    """A customer's record is open to operators who can read one of their conversations."""
    if not can_use_console(user):
        return False
    teams = crm_selectors.operator_team_ids(user_id=user.pk)
    conversations = Conversation.objects.filter(customer_id=customer_id)
    return (
        conversations.filter(team__isnull=True).exists()
        or conversations.filter(team_id__in=teams).exists()
    )
