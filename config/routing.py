"""Websocket routes of every app, collected here for config.asgi."""

from agent_console.routing import websocket_urlpatterns as console_routes
from webchat.routing import websocket_urlpatterns as webchat_routes

websocket_urlpatterns: list = [*webchat_routes, *console_routes]
