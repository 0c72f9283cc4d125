"""Presence follows the session; logging out closes every console socket of the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver

from agent_console.permissions import can_use_console
from crm import events
from crm import services as crm_services
from crm.models import OperatorProfile


@receiver(user_logged_in)
def operator_online(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if can_use_console(user):
        crm_services.operator_presence_set(
            user_id=user.pk, presence=OperatorProfile.Presence.ONLINE
        )


@receiver(user_logged_out)
def operator_offline(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    user_id = user.pk
    if can_use_console(user):
        crm_services.operator_presence_set(
            user_id=user_id, presence=OperatorProfile.Presence.OFFLINE
        )
    # Sockets opened with this session must not outlive it.
    transaction.on_commit(lambda: events.notify_logout(user_id=user_id))
