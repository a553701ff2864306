"""A WSGI application whose response takes `SECONDS`, as a long export does."""

import time

SECONDS = 3


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    for tick in range(SECONDS * 4):
        time.sleep(0.25)
        yield f"{tick}\n".encode()
