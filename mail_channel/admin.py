from django.contrib import admin

from mail_channel.models import EmailMessage


@admin.register(EmailMessage)
class EmailMessageAdmin(admin.ModelAdmin):
    list_display = ("direction", "mail_from", "subject", "ticket", "received_at")
    list_filter = ("direction",)
    search_fields = ("mail_from", "subject", "message_id")
    exclude = ("raw",)
