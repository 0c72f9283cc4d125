from django.apps import AppConfig


class AgentConsoleConfig(AppConfig):
    name = "agent_console"
    verbose_name = "Operator console"
