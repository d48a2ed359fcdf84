"""`make run`: the whole of edgeplane in one process on this machine, no AWS account, no Docker.

1. an embedded moto server (DynamoDB, S3, SQS, Step Functions executing the real ASL);
2. the table, bucket (+ S3→SQS upload events), queues with DLQs and state machines from infra/resources.py;
3. the system administrator (EDGEPLANE_ADMIN_USER / EDGEPLANE_ADMIN_PASSWORD, or a generated password
   printed once) and the simulated inventory;
4. the Chalice app on 127.0.0.1:8000 (as `chalice local --stage local` loads it), and the SQS workers
   and the periodic sweep in the same process.
"""
from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Run edgeplane locally on an embedded moto server.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--moto-port", type=int, default=0, help="0 = any free port")
    ap.add_argument("--tick-seconds", type=float, default=60.0, help="period of the scheduled sweep")
    args = ap.parse_args(argv)
    moto_port = args.moto_port or free_port()
    endpoint = f"http://127.0.0.1:{moto_port}"

    sys.path.insert(0, str(ROOT))
    from chalicelib.core import config  # reads nothing from AWS; safe before the server starts
    config.environ_set(
        AWS_ENDPOINT_URL=endpoint, MOTO_PORT=str(moto_port), AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local",
        AWS_DEFAULT_REGION=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"), EDGEPLANE_STAGE="local",
        POWERTOOLS_SERVICE_NAME="edgeplane", POWERTOOLS_METRICS_NAMESPACE="edgeplane",
        AWS_SESSION_TOKEN=None)

    from moto.moto_api import state_manager  # noqa: F401  (loads moto's backends)
    from moto.moto_api._internal.models import moto_api_backend
    from moto.server import ThreadedMotoServer
    import logging

    from infra import motofast
    motofast.install()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    server.start()
    moto_api_backend.set_config({"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}})

    from infra import pump, resources
    resources.provision()
    admin, generated = resources.bootstrap()

    from chalice.cli.factory import CLIFactory
    from chalice.local import ChaliceRequestHandler, create_local_server
    ChaliceRequestHandler.disable_nagle_algorithm = True
    from infra import pathnorm
    pathnorm.install()
    chalice_config = CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name="local")
    app = chalice_config.chalice_app

    stop = threading.Event()
    pump.start_pollers(app, stop)
    tick = app.handler_map.get("on_tick")

    def ticker():
        while not stop.wait(args.tick_seconds):
            try:
                tick({"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}},
                     pump.LambdaContext("on_tick"))
            except Exception as exc:  # keep the local stack alive
                print(f"periodic sweep failed: {exc}", file=sys.stderr)

    if tick is not None:
        threading.Thread(target=ticker, name="tick", daemon=True).start()

    httpd = create_local_server(app, chalice_config, args.host, args.port)
    url = f"http://{args.host}:{httpd.server.server_address[1] if hasattr(httpd, 'server') else args.port}"
    print(f"edgeplane is running at {url}  (AWS on moto at {endpoint})", flush=True)
    if generated:
        print(f"administrator '{admin}' created with the generated password: {generated}", flush=True)
        print("(printed once; set EDGEPLANE_ADMIN_PASSWORD to choose it)", flush=True)
    else:
        print(f"administrator: '{admin}'", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
