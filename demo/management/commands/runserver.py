"""`manage.py runserver` as `make run` starts it (Procfile.local), with a listen queue deep enough
for a burst of shoppers.

Django's development server listens with a backlog of 10 connections. Connections beyond that
while the server's threads are busy overflow the kernel's accept queue; Linux then answers with
SYN cookies, drops the completing ACK, and resets the connection when the client's request
arrives a second later ("connection reset by peer", nothing in the server's log). 50 orders
placed at once lost a fifth of their requests that way. A deeper queue lets them wait their turn.
"""

from django.contrib.staticfiles.management.commands import runserver
from django.core.servers.basehttp import WSGIServer

# The kernel caps it at net.core.somaxconn (4096 on current Linux), as for gunicorn's default.
LISTEN_BACKLOG = 1024


class DeepQueueWSGIServer(WSGIServer):
    request_queue_size = LISTEN_BACKLOG


class Command(runserver.Command):
    server_cls = DeepQueueWSGIServer
