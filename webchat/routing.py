from django.urls import path

from webchat.consumers import CustomerConsumer

# The customer socket checks Origin itself against WIDGET_ALLOWED_ORIGINS (the shop's
# pages), not against ALLOWED_HOSTS like the operator console.
websocket_urlpatterns = [path("ws/webchat/", CustomerConsumer.as_asgi())]
