"""A light HTTP/1.1 load generator for the gate benchmark: asyncio, raw keep-alive sockets,
no HTTP library, so it spends little CPU beside the server on the same two cores.

- `closed_loop`: N connections, each sending its next request as soon as the answer comes
  (maximum sustained throughput).
- `open_loop`: requests scheduled by the clock at a fixed rate, whatever the answers do;
  latency is measured from the scheduled time, so waiting for a free connection counts
  (no coordinated omission).
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Request = tuple[str, str, bytes, dict]  # method, path, body, extra headers


@dataclass
class Tally:
    ok: int = 0
    failed: int = 0
    statuses: dict = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def add(self, status: int, latency: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if 200 <= status < 300:  # a verdict (200), a check-in recorded (201)
            self.ok += 1
            self.latencies.append(latency)
        else:
            self.failed += 1

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self) -> "Connection":
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def send(self, request: Request) -> tuple[int, bytes]:
        method, path, body, headers = request
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 "Connection: keep-alive", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        payload = await self.reader.readexactly(length) if length else b""
        if b"connection: close" in head.lower():
            self.writer.close()
            await self.open()
        return status, payload

    def close(self) -> None:
        if self.writer:
            self.writer.close()


async def _closed(host, port, make: Callable[[int, int], Request], clients: int,
                  seconds: float, warmup: float) -> Tally:
    tally = Tally()
    conns = [await Connection(host, port).open() for _ in range(clients)]
    start = time.monotonic()
    measure_from, stop = start + warmup, start + warmup + seconds

    async def client(n: int, conn: Connection):
        i = 0
        while True:
            sent = time.monotonic()
            if sent >= stop:
                return
            status, _body = await conn.send(make(n, i))
            i += 1
            if sent >= measure_from:
                tally.add(status, time.monotonic() - sent)

    cpu = time.process_time()
    await asyncio.gather(*(client(n, c) for n, c in enumerate(conns)))
    tally.cpu_seconds = time.process_time() - cpu
    tally.seconds = seconds
    for c in conns:
        c.close()
    return tally


def closed_loop(host, port, make, *, clients=50, seconds=15.0, warmup=3.0) -> Tally:
    return asyncio.run(_closed(host, port, make, clients, seconds, warmup))


async def _open(host, port, make: Callable[[int, int], Request], rate: float, seconds: float,
                warmup: float, pool_size: int) -> Tally:
    tally = Tally()
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(pool_size):
        pool.put_nowait(await Connection(host, port).open())
    total = int(rate * (seconds + warmup))
    start = time.monotonic() + 0.1
    measure_from = start + warmup
    tasks = []

    async def one(i: int, scheduled: float):
        conn = await pool.get()
        try:
            status, _body = await conn.send(make(0, i))
        finally:
            pool.put_nowait(conn)
        if scheduled >= measure_from:
            tally.add(status, time.monotonic() - scheduled)

    cpu = time.process_time()
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, scheduled)))
    await asyncio.gather(*tasks)
    tally.cpu_seconds = time.process_time() - cpu
    tally.seconds = seconds
    while not pool.empty():
        pool.get_nowait().close()
    return tally


def open_loop(host, port, make, *, rate=400.0, seconds=15.0, warmup=3.0,
              pool_size=50) -> Tally:
    return asyncio.run(_open(host, port, make, rate, seconds, warmup, pool_size))


def send_one(host: str, port: int, request: Request) -> tuple[int, bytes]:
    async def go():
        conn = await Connection(host, port).open()
        try:
            return await conn.send(request)
        finally:
            conn.close()

    return asyncio.run(go())
