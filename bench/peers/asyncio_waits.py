#!/usr/bin/env python3
"""Python asyncio peer of the `io` suite: N concurrent asyncio.sleep(WAIT) gathered, timed.

Prints one JSON object: {"seconds": median wall time, "n": N, "wait": WAIT, "rounds": R, "python": version}.
One warm-up round runs first, as on the .NET side; each round creates its tasks and gathers them.
"""
import argparse
import asyncio
import json
import platform
import statistics
import time


async def one_round(n: int, wait: float) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(asyncio.sleep(wait) for _ in range(n)))
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--wait", type=float, default=0.1, help="seconds each item waits")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    await one_round(args.n, args.wait)  # warm-up
    samples = [await one_round(args.n, args.wait) for _ in range(args.rounds)]
    print(json.dumps({"seconds": statistics.median(samples), "n": args.n, "wait": args.wait,
                      "rounds": args.rounds, "python": platform.python_version()}))


if __name__ == "__main__":
    asyncio.run(main())
