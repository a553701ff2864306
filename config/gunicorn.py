"""gunicorn's settings for Tessera: `gunicorn -c config/gunicorn.py config.wsgi:application`
(the Dockerfile and docker-compose.yml run it so)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Threaded workers, not gunicorn's default sync ones: the arbiter kills a sync worker that has
# not reported back within `timeout` seconds, whatever it is doing, and an export streams for
# as long as there are rows. A sync worker would cut a long download short, after its 200.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = "-"
