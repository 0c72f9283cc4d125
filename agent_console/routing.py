from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from agent_console.consumers import ConsoleConsumer

# The console is our own page: Django session auth, Origin checked against ALLOWED_HOSTS
# (unlike the customer socket, which checks the shop's widget origins itself).
websocket_urlpatterns = [
    path(
        "ws/console/",
        AllowedHostsOriginValidator(AuthMiddlewareStack(ConsoleConsumer.as_asgi())),
    ),
]
