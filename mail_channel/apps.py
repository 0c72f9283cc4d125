from django.apps import AppConfig


class MailChannelConfig(AppConfig):
    name = "mail_channel"
    verbose_name = "E-mail channel"
