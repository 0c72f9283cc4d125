from django.contrib import admin

from agent_console.models import CannedResponse


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "shortcut", "team")
    list_filter = ("team",)
    search_fields = ("title", "text_it", "text_en")
