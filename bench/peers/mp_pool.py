"""Peer for `yard bench process`: Python's multiprocessing.Pool(2) over no-op items.

Usage: python3 mp_pool.py [items] [rounds]   (defaults 100000 and 11)
Prints one JSON object: items per second at chunk size 1 and 1000 (the median of [rounds] timed maps, default
11, after a warm-up), and the pool's start time.
"""
import json
import statistics
import sys
import time
from multiprocessing import Pool


def noop(x):
    return x


def main():
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    result = {"items": items}
    started = time.perf_counter()
    with Pool(2) as pool:
        pool.apply(noop, (0,))
        result["start_s"] = time.perf_counter() - started
        pool.map(noop, range(1000))  # warm up both workers
        for chunksize in (1, 1000):
            elapsed = []
            for _ in range(rounds):
                began = time.perf_counter()
                out = pool.map(noop, range(items), chunksize=chunksize)
                elapsed.append(time.perf_counter() - began)
                assert len(out) == items
            result[f"chunk{chunksize}_items_per_s"] = items / statistics.median(elapsed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
