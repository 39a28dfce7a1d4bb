#!/usr/bin/env python3
"""Serves one recorded JSON payload on 127.0.0.1 for every GET, as an API stand-in for `make bench`.

Usage: stub_api.py FILE PORTFILE [--move]   (binds a free port and writes it to PORTFILE)

--move: the n-th response (from 0) has every "last_updated" moved n × 5 minutes later, byte for byte otherwise the
recorded payload, so that each request after the first is a listing in which every ticker has a new quote (the steady
state of a scheduled run). While a file PORTFILE.hold exists, the last listing is served again unchanged.
"""
import os
import datetime
import http.server
import re
import sys

recorded = open(sys.argv[1], "rb").read()
move = "--move" in sys.argv[3:]
requests = 0
LAST_UPDATED = re.compile(rb'"last_updated":"([0-9T:\-]+)Z"')


def body_for(n):
    if not move or n == 0:
        return recorded

    def moved(match):
        at = datetime.datetime.fromisoformat(match.group(1).decode()) + datetime.timedelta(minutes=5 * n)
        return b'"last_updated":"' + at.strftime("%Y-%m-%dT%H:%M:%S").encode() + b'Z"'

    return LAST_UPDATED.sub(moved, recorded)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global requests
        if requests > 0 and os.path.exists(sys.argv[2] + ".hold"):
            body = body_for(requests - 1)
        else:
            body = body_for(requests)
            requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2], "w") as port_file:
    port_file.write(str(server.server_address[1]))
server.serve_forever()
