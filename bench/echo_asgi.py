"""The websocket benchmarks' baseline: a bare ASGI echo, served by the Procfile's own daphne
command in place of config.asgi (bench.common.start_web(app=ECHO_APP)).

Why this and not a plain `websockets` echo server: both sides of the ratio then run the
same server (Twisted, autobahn, daphne's ASGI glue) on the same interpreter, so the ratio
measures what Sportello adds per frame or per socket (Channels consumers, the channel layer,
the database), not the difference between two websocket implementations.
"""

from __future__ import annotations

from typing import Any


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket":
        while True:
            event = await receive()
            if event["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
            elif event["type"] == "websocket.receive":
                if event.get("text") is not None:
                    await send({"type": "websocket.send", "text": event["text"]})
                else:
                    await send({"type": "websocket.send", "bytes": event.get("bytes") or b""})
            elif event["type"] == "websocket.disconnect":
                return
    elif scope["type"] == "http":
        await receive()
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
