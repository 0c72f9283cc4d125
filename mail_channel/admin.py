from django.contrib import admin

from mail_channel.models import EmailAttachment, EmailMessage, RoutingRule


class EmailAttachmentInline(admin.TabularInline):
    model = EmailAttachment
    extra = 0
    readonly_fields = ("filename", "content_type", "size_bytes", "file", "skipped_reason")


@admin.register(EmailMessage)
class EmailMessageAdmin(admin.ModelAdmin):
    list_display = ("direction", "mail_from", "subject", "ticket", "outcome", "received_at")
    list_filter = ("direction", "outcome", "auto_reply")
    search_fields = ("mail_from", "subject", "message_id")
    exclude = ("raw",)
    inlines = [EmailAttachmentInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("intent", "team")
