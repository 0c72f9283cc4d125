from django.contrib import admin

from kb.models import NodeCounter, Tree, TreeVersion


@admin.register(Tree)
class TreeAdmin(admin.ModelAdmin):
    """Read-mostly: trees are edited in the KB editor (/kb/), where the workflow lives."""

    list_display = ("slug", "title_it", "team", "status", "live_version", "updated_at")
    list_filter = ("status", "team")
    search_fields = ("slug", "title_it", "title_en")
    readonly_fields = ("status", "root", "live_version", "submitted_by", "reviewed_by")


@admin.register(TreeVersion)
class TreeVersionAdmin(admin.ModelAdmin):
    list_display = ("tree", "number", "published_by", "published_at", "comment")
    list_filter = ("tree",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # versions are history: never edited


@admin.register(NodeCounter)
class NodeCounterAdmin(admin.ModelAdmin):
    list_display = ("tree", "node_key", "visits", "resolved", "escalated")
    list_filter = ("tree",)
