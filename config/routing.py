"""Websocket routes of every app, collected here for config.asgi."""

websocket_urlpatterns: list = []
