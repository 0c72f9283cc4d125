"""One TLS context for every HTTP client of the web processes.

httpx builds a new SSL context for each client (loading certifi's CA bundle: about 45 ms of
CPU here), even for plain-http calls such as Rasa on loopback. The bridge makes a client per
bot message, on the event loop that serves every socket of the process; sharing the context
removes that cost (measured by bench/bot_reply.py).
"""

from __future__ import annotations

import functools
import ssl

import certifi


@functools.cache
def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())
