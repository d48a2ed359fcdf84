"""Peak memory of merging a chunked upload, at two sizes: it must stay flat, not grow with the file.

moto runs as a separate server process, so the figure is edgeplane's own memory: this process's
resident set is sampled every 5 ms while ``chunked.merge`` runs (the chunks are uploaded beforehand). That
call is the whole of the merge jobs' heavy step (``workflows_merge.merged``), so its figure is theirs.
Run: ``python -m bench.merge [--sizes 256,1024] [--chunk-mib 8]``.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


def _rss() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def run(sizes_mib: list[int], chunk_mib: int) -> list[dict]:
    from infra.local import free_port
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", f"from moto.server import ThreadedMotoServer as S; "
                               f"s=S(ip_address='127.0.0.1', port={port}, verbose=False); s.start(); "
                               "import time\nwhile True: time.sleep(60)"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        os.environ.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_ACCESS_KEY_ID="bench",
                          AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1", EDGEPLANE_STAGE="local")
        sys.path.insert(0, str(ROOT))
        from chalicelib.core import aws, config
        config.reload()
        from chalicelib.blobs import chunked
        for _ in range(100):
            try:
                aws.client("s3").create_bucket(Bucket=config.settings().bucket)
                break
            except Exception:
                time.sleep(0.1)
        chunk = os.urandom(chunk_mib * MIB)
        out = []
        for size in sizes_mib:
            session = f"bench/{size}"
            n = max(1, size // chunk_mib)
            for i in range(1, n + 1):
                chunked.save_chunk(session, i, chunk, max_bytes=chunk_mib * MIB)
            base = _rss()
            peak = [base]
            stop = threading.Event()

            def sample():
                while not stop.is_set():
                    peak[0] = max(peak[0], _rss())
                    time.sleep(0.005)

            t = threading.Thread(target=sample, daemon=True)
            t.start()
            start = time.perf_counter()
            result = chunked.merge(session, f"bench/merged-{size}.bin")
            elapsed = time.perf_counter() - start
            stop.set()
            t.join()
            aws.client("s3").delete_object(Bucket=config.settings().bucket, Key=f"bench/merged-{size}.bin")
            out.append({"size_mib": size, "chunks": n, "parts": result["parts"], "seconds": elapsed,
                        "peak_rss_increase_mib": (peak[0] - base) / MIB})
        return out
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="256,1024", help="file sizes in MiB, comma-separated")
    ap.add_argument("--chunk-mib", type=int, default=8, help="chunk size (the EdgeGallery client uses 8 MiB)")
    args = ap.parse_args(argv)
    rows = run([int(x) for x in args.sizes.split(",")], args.chunk_mib)
    print(f"\nchunked merge (S3 multipart; moto server in another process; {args.chunk_mib} MiB chunks)")
    print(f"  {'file':>9} {'chunks':>7} {'parts':>6} {'seconds':>8} {'peak RSS increase':>18}")
    for r in rows:
        print(f"  {r['size_mib']:>6} MiB {r['chunks']:>7} {r['parts']:>6} {r['seconds']:>8.1f} "
              f"{r['peak_rss_increase_mib']:>14.1f} MiB")
    print("  flat = the increase does not grow with the file size (bounded by one part, 5 MiB, plus I/O buffers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
