"""`dscope-server`: load a model, then answer dscope over HTTP (docs/server.md)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="dscope-server", description=__doc__)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="a Hugging Face model folder (LLaDA or Dream)")
    source.add_argument("--synthetic", help="random weights at a known model's shapes: llada-8b")
    parser.add_argument("--layers", type=int, help="with --synthetic: fewer blocks than the real model")
    parser.add_argument("--device", default="cpu", choices=("cuda", "mps", "cpu"))
    parser.add_argument("--dtype", default="fp32", choices=("bf16", "fp16", "fp32"))
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback only)")
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free port, printed on start)")
    parser.add_argument("--token", default=os.environ.get("DSCOPE_SERVER_TOKEN"),
                        help="bearer token clients must send (default $DSCOPE_SERVER_TOKEN); required off loopback")
    parser.add_argument("--max-canvas", type=int, default=4096, help="longest canvas accepted (tokens)")
    parser.add_argument("--max-batch", type=int, default=64, help="most canvases in one request")
    parser.add_argument("--max-body", type=int, default=16 << 20, help="largest request body (bytes)")
    parser.add_argument("--threads", type=int, help="torch CPU threads")
    args = parser.parse_args(argv)

    if args.host not in LOOPBACK and not args.token:
        parser.error(f"--host {args.host}: binding off loopback needs --token or DSCOPE_SERVER_TOKEN")
    if args.host not in LOOPBACK:
        try:
            ipaddress.ip_address(args.host)
        except ValueError:
            parser.error(f"--host {args.host}: not an IP address")
    for name in ("max_canvas", "max_batch", "max_body"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')}: must be positive")

    import torch  # after argument errors, which should not wait for torch's import

    from .http_server import serve
    from .served_model import ModelLoadError, load, synthetic
    from .service import Service

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: torch sees no CUDA device")
    if args.device == "mps" and not torch.backends.mps.is_available():
        parser.error("--device mps: torch sees no MPS device")
    try:
        model = (synthetic(args.synthetic, args.device, args.dtype, args.layers) if args.synthetic
                 else load(args.model, args.device, args.dtype))
    except (ModelLoadError, OSError) as error:
        print(f"dscope-server: {error}", file=sys.stderr)
        return 1
    service = Service(model, args.max_canvas, args.max_batch)

    def ready(address):
        host, port = address[0], address[1]
        host = f"[{host}]" if ":" in host else host
        print(f"dscope-server: {model.name} ({model.architecture}, {model.loader}, {args.device} {args.dtype}) "
              f"on http://{host}:{port}", flush=True)

    try:
        serve(service, args.host, args.port, args.token, args.max_body, ready)
    except KeyboardInterrupt:
        pass
    except OSError as error:
        print(f"dscope-server: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
