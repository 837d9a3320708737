#!/usr/bin/env python3
"""Celery + Redis peer of Switchyard's `queue` bench suite.

Run by QueueSuite only when Celery and the redis client import and redis-server exists (Debian: python3-celery,
python3-redis, redis-server). The suite starts redis-server on a free loopback port and passes it here.

A Celery worker (prefork, one process per core) is started and pinged until ready; then N trivial tasks are
enqueued with .delay() while it drains them. Each task INCRs a Redis counter; the clock stops when it reaches N.
Prints one JSON line: {"n": N, "enqueue_s": ..., "total_s": ..., "jobs_per_s": N / total_s}.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from celery import Celery
import redis

PORT = int(os.environ.get("QUEUE_PEER_REDIS_PORT", "6379"))
BROKER = f"redis://127.0.0.1:{PORT}/0"
app = Celery("queue_celery", broker=BROKER)
app.conf.update(task_ignore_result=True, worker_hijack_root_logger=False, broker_connection_retry_on_startup=True)
counter = redis.Redis(host="127.0.0.1", port=PORT, db=1)


@app.task
def noop():
    counter.incr("done")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    counter.set("done", 0)
    env = dict(os.environ, QUEUE_PEER_REDIS_PORT=str(PORT))
    here = os.path.dirname(os.path.abspath(__file__))
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "queue_celery", "worker", "--pool=prefork",
         f"--concurrency={args.concurrency}", "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=here, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not app.control.ping(timeout=0.5):
            if time.time() > deadline:
                raise SystemExit("celery worker did not answer a ping within 60 s")
        start = time.perf_counter()
        for _ in range(args.n):
            noop.delay()
        enqueued = time.perf_counter() - start
        while int(counter.get("done") or 0) < args.n:
            time.sleep(0.005)
        total = time.perf_counter() - start
        print(json.dumps({"n": args.n, "enqueue_s": enqueued, "total_s": total, "jobs_per_s": args.n / total}))
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    main()
