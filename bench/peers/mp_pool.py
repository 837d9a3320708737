"""Peer for `yard bench process`: Python's multiprocessing.Pool(2) over no-op items.

Usage: python3 mp_pool.py [items]   (default 100000)
Prints one JSON object: items per second at chunk size 1 and 1000, and the pool's start time.
"""
import json
import sys
import time
from multiprocessing import Pool


def noop(x):
    return x


def main():
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    result = {"items": items}
    started = time.perf_counter()
    with Pool(2) as pool:
        pool.apply(noop, (0,))
        result["start_s"] = time.perf_counter() - started
        pool.map(noop, range(1000))  # warm up both workers
        for chunksize in (1, 1000):
            began = time.perf_counter()
            out = pool.map(noop, range(items), chunksize=chunksize)
            elapsed = time.perf_counter() - began
            assert len(out) == items
            result[f"chunk{chunksize}_items_per_s"] = items / elapsed
    print(json.dumps(result))


if __name__ == "__main__":
    main()
