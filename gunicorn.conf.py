"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py config.wsgi`` (see README, Production)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # PDF rendering is the slowest request
graceful_timeout = 30
max_requests = 1000  # recycle workers now and then; jitter so they do not all restart at once
max_requests_jitter = 100
# Only the reverse proxy on this host may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker):
    """Each worker, once it has loaded the application: its long-lived objects out of the garbage collector's
    walks (core.heap)."""
    from core.heap import settle

    settle()
