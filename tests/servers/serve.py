"""Starts a reference service on a free loopback port and prints the port on stdout.

    python serve.py MODULE:APP [PORT]

The socket is bound here (port 0) and handed to uvicorn, so there is no race for the port.
The service exits when its stdin closes: a test process that dies never leaves it behind.
"""
import importlib
import os
import socket
import sys
import threading

import uvicorn


def main() -> None:
    module_name, app_name = sys.argv[1].split(":")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    app = getattr(importlib.import_module(module_name), app_name)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it each answer (headers and body written
    # apart) waits ~40 ms for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    sock.bind(("127.0.0.1", port))
    print(sock.getsockname()[1], flush=True)

    def watch_stdin() -> None:
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
