"""The knowledge base: decision trees, their editable draft and their published versions.

The draft is the editable rows below (Tree, Node, Choice, Attachment). Publishing
freezes the whole draft into one TreeVersion.content JSON (kb/content.py describes
it); the bot, the e-mail auto-reply, the console and the search read only those
snapshots, so an author's unfinished edit never reaches a customer and a publish
needs no bot retraining.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from crm.models import Team


class Tree(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft (being edited)"
        IN_REVIEW = "in_review", "submitted for review"
        PUBLISHED = "published", "published, no pending changes"

    slug = models.SlugField(max_length=60, unique=True)
    title_it = models.CharField(max_length=160, blank=True)
    title_en = models.CharField(max_length=160, blank=True)
    examples_it = models.TextField(blank=True, help_text="example questions, one per line")
    examples_en = models.TextField(blank=True, help_text="example questions, one per line")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="kb_trees"
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.DRAFT)
    root = models.ForeignKey(
        "Node", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    live_version = models.ForeignKey(
        "TreeVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True, help_text="the reviewer's last send-back note")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        permissions = [("publish_tree", "Can publish, send back and roll back KB trees")]

    def __str__(self) -> str:
        return self.slug

    def title(self, language: str) -> str:
        return getattr(self, f"title_{language}", "") or self.title_it or self.title_en or self.slug


class Node(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", "question (choices lead on)"
        ANSWER = "answer", "answer (markdown, attachments)"

    class Followup(models.TextChoices):
        NONE = "", "none"
        HANDOFF = "handoff", "hand off to a person"
        SHOP_ASSISTANT = "shop_assistant", "start the shop assistant"
        CATALOG = "catalog", "show a catalog filter"

    tree = models.ForeignKey(Tree, on_delete=models.CASCADE, related_name="nodes")
    key = models.SlugField(max_length=60, help_text="stable id within the tree, e.g. eu-return")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.QUESTION)
    # The question put to the customer, or the answer's markdown.
    text_it = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    followup = models.CharField(max_length=14, choices=Followup.choices, blank=True)
    followup_filter = models.JSONField(
        default=dict, blank=True, help_text='catalog filter, e.g. {"category": "pullover"}'
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["tree", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "key"], name="kb_node_key_once_per_tree")
        ]

    def __str__(self) -> str:
        return f"{self.tree.slug}/{self.key}"


class Choice(models.Model):
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="choices")
    # Several choices may lead to the same node (reuse); deleting the node leaves the
    # choice without a target, which the linter reports.
    target = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.SET_NULL, related_name="incoming"
    )
    label_it = models.CharField(max_length=200, blank=True)
    label_en = models.CharField(max_length=200, blank=True)
    synonyms_it = models.TextField(blank=True, help_text="other ways to say it, one per line")
    synonyms_en = models.TextField(blank=True, help_text="other ways to say it, one per line")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["node", "position", "id"]

    def __str__(self) -> str:
        return f"{self.node} → {self.label_it or self.label_en}"


class Attachment(models.Model):
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200, help_text="shown to the customer")
    filename = models.CharField(max_length=120, help_text="the uploaded file's (safe) name")
    # Content-addressed (kb/attachments/<sha256>.<ext>) and never deleted with the row:
    # published versions keep pointing at the file after the draft drops it.
    file = models.FileField(max_length=200)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["node", "position", "id"]

    def __str__(self) -> str:
        return self.name


class TreeVersion(models.Model):
    """One publish: the whole tree frozen as JSON. Never changed after creation."""

    tree = models.ForeignKey(Tree, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField()
    comment = models.TextField(blank=True)
    rollback_of = models.PositiveIntegerField(
        null=True, blank=True, help_text="the version number this one copies"
    )

    class Meta:
        ordering = ["tree", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "number"], name="kb_version_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.tree.slug} v{self.number}"


class NodeCounter(models.Model):
    """How bot walks went through a node; keyed by node key so it survives republishing."""

    tree = models.ForeignKey(Tree, on_delete=models.CASCADE, related_name="counters")
    node_key = models.CharField(max_length=60)
    visits = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tree", "node_key"], name="kb_counter_once_per_node")
        ]

    def __str__(self) -> str:
        return f"{self.tree.slug}/{self.node_key}: {self.visits} visits"
