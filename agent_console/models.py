from __future__ import annotations

from django.db import models

from crm.models import Team


class CannedResponse(models.Model):
    """A ready-made answer; placeholders like {customer.salutation} or {order.last.status}
    are filled from the customer and their orders when the operator picks it
    (agent_console/canned.py lists them)."""

    title = models.CharField(max_length=80)
    shortcut = models.SlugField(max_length=30, blank=True, help_text="typed as /shortcut")
    text_it = models.TextField()
    text_en = models.TextField(blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, help_text="empty: every team"
    )

    class Meta:
        ordering = ["title"]
        permissions = [("use_console", "Can work conversations in the operator console")]

    def __str__(self) -> str:
        return self.title

    def text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_it
