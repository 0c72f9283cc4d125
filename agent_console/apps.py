from django.apps import AppConfig


class AgentConsoleConfig(AppConfig):
    name = "agent_console"
    verbose_name = "Operator console"

    def ready(self) -> None:
        from agent_console import signals  # noqa: F401 (connects the receivers)
