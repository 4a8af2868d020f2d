#!/usr/bin/env python3
"""Answers every HTTP request on 127.0.0.1 with a fault, for restrack's
Placement error tests: MODE 500 sends Placement's error document with status
500; MODE hang accepts the connection and never answers; MODE slow answers
200 with an empty document after 3 s; MODE flood answers 200 with a body that
never ends (no length; written until the client hangs up); MODE huge answers
200 declaring a 1 TiB body and sends a little of it. With PEM (a certificate
followed by its key) it serves HTTPS. Writes the port it listens on to
PORT_FILE, then serves until killed."""
import http.server
import json
import socketserver
import ssl
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    mode = "500"

    def answer(self):
        if self.mode == "hang":
            time.sleep(3600)
            return
        if self.mode == "slow":
            time.sleep(3)
            body = b"{}"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.mode in ("flood", "huge"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if self.mode == "huge":
                self.send_header("Content-Length", str(1 << 40))
            self.end_headers()
            chunk = b"[" * 65536
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                return
        body = json.dumps({"errors": [{"status": 500, "title": "Internal Server Error",
                                       "detail": "The server has either erred or is incapable of performing the requested operation.",
                                       "code": "placement.undefined_code"}]}).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = answer

    def log_message(self, *args):
        pass


def main():
    port_file, mode = sys.argv[1], sys.argv[2]
    Handler.mode = mode
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler) as server:
        if len(sys.argv) > 3:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[3])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        with open(port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        import os
        os.rename(port_file + ".tmp", port_file)
        server.serve_forever()


if __name__ == "__main__":
    main()
