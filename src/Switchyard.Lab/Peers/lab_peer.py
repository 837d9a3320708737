#!/usr/bin/env python3
"""The Python side of `yard lab`: asyncio, threading and multiprocessing, one experiment per call.

Usage: python3 lab_peer.py EXPERIMENT PARAMS_JSON
Prints one JSON object with the measured numbers (seconds, bytes, counts) and nothing else on stdout.
"""
import asyncio
import json
import platform
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pipe, Pool, Process


def now():
    return time.perf_counter()


# --- 1. sync vs async waits ---------------------------------------------------------------
async def _waits(p):
    wait = p["wait"]
    began = now()
    for _ in range(p["n"]):
        await asyncio.sleep(wait)
    sequential = now() - began
    began = now()
    await asyncio.gather(*(asyncio.sleep(wait) for _ in range(p["n"])))
    concurrent = now() - began
    many = {}
    for n in p["many"]:
        began = now()
        await asyncio.gather(*(asyncio.sleep(wait) for _ in range(n)))
        many[str(n)] = now() - began
    return {"sequential_s": sequential, "concurrent_s": concurrent, "many_s": many}


def waits(p):
    return asyncio.run(_waits(p))


# --- 2. CPU-bound: serial vs threads vs processes -----------------------------------------
def burn(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def best(rounds, body):
    """The fastest of a few rounds: the one least disturbed by whatever else the machine was doing."""
    times = []
    for _ in range(rounds):
        began = now()
        body()
        times.append(now() - began)
    return min(times)


def cpu(p):
    tasks, loops, rounds = p["tasks"], p["loops"], p["rounds"]

    def serially():
        for _ in range(tasks):
            burn(loops)

    def on_threads():
        threads = [threading.Thread(target=burn, args=(loops,)) for _ in range(tasks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    serial = best(rounds, serially)
    threaded = best(rounds, on_threads)
    with Pool(tasks) as pool:
        pool.map(burn, [1] * tasks)  # the workers have started: the pool's start is not timed
        processes = best(rounds, lambda: pool.map(burn, [loops] * tasks, chunksize=1))
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    return {"serial_s": serial, "threads_s": threaded, "processes_s": processes, "gil": gil}


# --- 3. I/O-bound: serial vs thread pool vs async ------------------------------------------
async def _gather_sleeps(n, wait):
    await asyncio.gather(*(asyncio.sleep(wait) for _ in range(n)))


def io(p):
    n, wait, workers = p["n"], p["wait"], p["workers"]
    began = now()
    for _ in range(n):
        time.sleep(wait)
    serial = now() - began
    with ThreadPoolExecutor(max_workers=workers) as pool:
        began = now()
        list(pool.map(lambda _: time.sleep(wait), range(n)))
        threaded = now() - began
    began = now()
    asyncio.run(_gather_sleeps(n, wait))
    return {"serial_s": serial, "threads_s": threaded, "async_s": now() - began}


# --- 4. memory per waiting task --------------------------------------------------------------
def status():
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmSize"):
                fields[key] = int(value.split()[0]) * 1024
    return fields


async def _memory_async(n):
    import gc
    import tracemalloc
    gate = asyncio.Event()

    async def waiter():
        await gate.wait()

    gc.collect()
    before = status()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(waiter()) for _ in range(n)]
    await asyncio.sleep(0)  # every task runs to its first await
    traced = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    after = status()
    gate.set()
    await asyncio.gather(*tasks)
    return traced / n, (after["VmRSS"] - before["VmRSS"]) / n


def memory(p):
    heap, rss = asyncio.run(_memory_async(p["tasks"]))
    m = p["threads"]
    gate = threading.Event()
    started = threading.Barrier(m + 1)

    def waiter():
        started.wait()
        gate.wait()

    before = status()
    threads = [threading.Thread(target=waiter) for _ in range(m)]
    for t in threads:
        t.start()
    started.wait()
    after = status()
    gate.set()
    for t in threads:
        t.join()
    return {"async_heap_bytes": heap, "async_rss_bytes": rss,
            "thread_rss_bytes": (after["VmRSS"] - before["VmRSS"]) / m,
            "thread_virtual_bytes": (after["VmSize"] - before["VmSize"]) / m,
            "thread_stack_size": threading.stack_size()}


# --- 5. switch cost ---------------------------------------------------------------------------
async def _yields(n):
    began = now()
    for _ in range(n):
        await asyncio.sleep(0)
    return now() - began


def _ping(conn, n):
    for _ in range(n):
        conn.send_bytes(conn.recv_bytes())


def switch(p):
    n = p["n"]
    async_s = asyncio.run(_yields(n))
    a, b = threading.Semaphore(0), threading.Semaphore(0)

    def pong():
        for _ in range(n):
            a.acquire()
            b.release()

    t = threading.Thread(target=pong)
    t.start()
    began = now()
    for _ in range(n):
        a.release()
        b.acquire()
    thread_s = now() - began
    t.join()
    m = p["process_n"]
    here, there = Pipe()
    child = Process(target=_ping, args=(there, m))
    child.start()
    here.send_bytes(b"x")  # the child is up before the clock starts
    here.recv_bytes()
    began = now()
    for _ in range(m - 1):
        here.send_bytes(b"x")
        here.recv_bytes()
    process_s = now() - began
    child.join()
    # One round trip is two switches: there and back.
    return {"async_us": async_s / n * 1e6, "thread_us": thread_s / (2 * n) * 1e6,
            "process_us": process_s / (2 * (m - 1)) * 1e6}


# --- 6. a semaphore of 3 ------------------------------------------------------------------------
async def _semaphore(p):
    limit = asyncio.Semaphore(p["limit"])
    state = {"now": 0, "max": 0}

    async def one():
        async with limit:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
            await asyncio.sleep(p["wait"])
            state["now"] -= 1

    began = now()
    await asyncio.gather(*(one() for _ in range(p["tasks"])))
    return {"seconds": now() - began, "max_in_flight": state["max"]}


def semaphore(p):
    return asyncio.run(_semaphore(p))


# --- 7. races -----------------------------------------------------------------------------------
counter = 0


def races(p):
    global counter
    threads_n, increments = p["threads"], p["increments"]
    expected = threads_n * increments

    def unlocked():
        global counter
        for _ in range(increments):
            counter += 1

    lock = threading.Lock()

    def locked():
        global counter
        for _ in range(increments):
            with lock:
                counter += 1

    result = {"expected": expected}
    for name, body in (("unlocked", unlocked), ("locked", locked)):
        counter = 0
        threads = [threading.Thread(target=body) for _ in range(threads_n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result[name + "_lost"] = expected - counter

    async def on_loop():
        global counter
        for i in range(increments):
            counter += 1
            if i % 1000 == 0:
                await asyncio.sleep(0)

    async def loop_all():
        await asyncio.gather(*(on_loop() for _ in range(threads_n)))

    counter = 0
    asyncio.run(loop_all())
    result["asyncio_lost"] = expected - counter
    return result


# --- 8. producer / consumer over a bounded queue ---------------------------------------------------
def spin(us):
    end = now() + us / 1e6
    while now() < end:
        pass


async def _queue(items, capacity, work_us):
    q = asyncio.Queue(maxsize=capacity)
    produced = consumed = 0
    max_lead = 0

    async def producer():
        nonlocal produced
        for i in range(items):
            await q.put(i)
            produced += 1
        await q.put(None)

    async def consumer():
        nonlocal consumed, max_lead
        while (item := await q.get()) is not None:
            spin(work_us)
            consumed += 1
            max_lead = max(max_lead, produced - consumed)

    began = now()
    await asyncio.gather(producer(), consumer())
    return {"items_per_s": items / (now() - began), "max_lead": max_lead}


def queue(p):
    return {str(c): asyncio.run(_queue(p["items"], c, p["work_us"])) for c in p["capacities"]}


# --- 9. process pool chunk size ------------------------------------------------------------------
def noop(x):
    return x


def chunks(p):
    items, result = p["items"], {}
    with Pool(p["workers"]) as pool:
        pool.map(noop, range(100))
        for size in p["sizes"]:
            began = now()
            out = pool.map(noop, range(items), chunksize=size)
            assert len(out) == items
            result[str(size)] = items / (now() - began)
    return result


# --- 10. a blocking call inside async code ---------------------------------------------------------
async def _blocking(p, block):
    tick, ticks = p["tick_ms"] / 1000, p["ticks"]
    worst = 0.0

    async def ticker():
        nonlocal worst
        for _ in range(ticks):
            asked = now()
            await asyncio.sleep(tick)
            worst = max(worst, now() - asked - tick)

    async def other():
        await asyncio.sleep(tick * 2)
        if block:
            time.sleep(p["block_ms"] / 1000)  # the mistake: a blocking call on the event loop
        else:
            await asyncio.sleep(p["block_ms"] / 1000)

    await asyncio.gather(ticker(), other())
    return worst * 1000


def blocking(p):
    return {"awaiting_late_ms": asyncio.run(_blocking(p, False)),
            "blocking_late_ms": asyncio.run(_blocking(p, True))}


EXPERIMENTS = {f.__name__: f for f in (waits, cpu, io, memory, switch, semaphore, races, queue, chunks, blocking)}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in EXPERIMENTS:
        sys.exit(f"usage: lab_peer.py {{{','.join(EXPERIMENTS)}}} PARAMS_JSON")
    output = EXPERIMENTS[sys.argv[1]](json.loads(sys.argv[2]))
    output["python"] = platform.python_version()
    print(json.dumps(output))
