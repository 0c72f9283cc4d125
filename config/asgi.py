"""ASGI entry point: HTTP through Django, websockets through Channels' router.

Websocket routes are added by the web chat and console apps as they land.
"""

import logging
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


def _warm_up_kb_search() -> None:
    """Load the spaCy pipelines and build the KB index before the server accepts anything:
    cold, that takes seconds, longer than the bot's actions wait for the web. Done before
    daphne listens (not in a thread) so that no request, health probe included, waits
    behind it."""
    from django.db import connections

    from kb.content import LANGUAGES
    from kb.search import kb_search

    try:
        for language in LANGUAGES:
            kb_search(query="warm up", language=language)
    except Exception:  # a warm-up never stops the web; the first search will build it
        logging.getLogger(__name__).exception("KB search warm-up failed")
    finally:
        connections.close_all()  # requests use their own threads' connections


if os.environ.get("SPORTELLO_SKIP_WARM_UP") != "1":
    _warm_up_kb_search()
