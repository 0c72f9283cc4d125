"""ASGI entry point: HTTP through Django, websockets through Channels' router.

Websocket routes are added by the web chat and console apps as they land.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # daphne serves the static files itself (one process, no separate file server
        # in the embedded default); a CDN or proxy may take over in production.
        "http": ASGIStaticFilesHandler(django_asgi_app),
        # Each consumer checks Origin itself: the widget runs on the shop's origins,
        # the console on ours.
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
