#!/usr/bin/env python3
"""Serves one recorded JSON payload on 127.0.0.1 for every GET, as an API stand-in for `make bench`.

Usage: stub_api.py FILE PORTFILE   (binds a free port and writes it to PORTFILE)
"""
import http.server
import sys

body = open(sys.argv[1], "rb").read()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
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
