#!/usr/bin/env python3
"""A flowcheck driver for Python's asyncio streams over a socketpair.

    flowcheck certify --driver='python3 examples/drivers/python_asyncio.py'

It speaks the driver protocol (docs/driver-protocol.md): one JSON object a
line on stdin and stdout, bytes in base64. Each case gets a fresh
socket.socketpair() wrapped by asyncio.open_connection(sock=...), and each
flow operation maps onto asyncio's streams as a Mirage_flow adapter would:

  read    StreamReader.read(65536): bytes are Data, b'' is Eof
  write   StreamWriter.write() then await drain()
  writev  the parts joined, as one write
  close   StreamWriter.write_eof() (the half-close: SHUT_WR), then wait for
          the peer's end of stream, then StreamWriter.close() and
          await wait_closed()

Where asyncio does not give the contract by itself, the adapter adds the
least it can, and says so:
  - Reads are serialized (a lock): StreamReader.read() raises RuntimeError
    when two coroutines wait for data at once; a flow allows that.
  - Writes are serialized with close (a lock), so a close invoked after a
    write goes out behind it (C1), and a write invoked after close returns
    Closed (W2) -- asyncio would raise or write after the EOF.
  - close() waits for the peer's end of stream (C4) by noticing the
    StreamReader's feed_eof(), without consuming buffered bytes (C3).
A socketpair cannot be reset, so the driver declares no reset capability
(E1 is NOT APPLICABLE). Python 3.8+ and nothing but its standard library.

With --bare it maps the operations naively instead -- no locks, no guard,
close = write_eof(), close(), wait_closed() at once -- to show what asyncio
does by itself (docs/drivers.md has both certificates).
"""

import asyncio
import base64
import json
import socket
import sys

VERSION = "flowcheck-driver/1"
MAX_LINE = 64 << 20


def error_code(exc):
    if isinstance(exc, ConnectionResetError):
        return "reset"
    if isinstance(exc, BrokenPipeError):
        return "broken-pipe"
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return "timed-out"
    if isinstance(exc, OSError):
        return "io"
    return "other"


BARE = "--bare" in sys.argv[1:]


class End:
    """One endpoint: asyncio's stream pair for one side of the socketpair."""

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.read_lock = asyncio.Lock()
        self.write_lock = asyncio.Lock()
        self.close_called = False
        self.released = False
        self.peer_ended = asyncio.Event()
        # Notice the peer's end of stream (or a connection error) without
        # reading: StreamReaderProtocol calls these on the reader.
        feed_eof, set_exception = reader.feed_eof, reader.set_exception

        def on_eof():
            feed_eof()
            self.peer_ended.set()

        def on_exception(exc):
            set_exception(exc)
            self.peer_ended.set()

        reader.feed_eof = on_eof
        reader.set_exception = on_exception

    async def read(self):
        if BARE:
            data = await self.reader.read(65536)
            return {"result": "data", "bytes": b64(data)} if data else {"result": "eof"}
        async with self.read_lock:
            data = await self.reader.read(65536)
        return {"result": "data", "bytes": b64(data)} if data else {"result": "eof"}

    async def write(self, data):
        if BARE:
            self.writer.write(data)
            await self.writer.drain()
            return {"result": "ok"}
        if self.close_called:
            return {"result": "closed"}
        async with self.write_lock:
            if len(data) > 0:
                self.writer.write(data)
                await self.writer.drain()
        return {"result": "ok"}

    async def close(self):
        if BARE:
            if self.writer.can_write_eof():
                self.writer.write_eof()
            self.writer.close()
            await self.writer.wait_closed()
            return {"result": "ok"}
        first = not self.close_called
        self.close_called = True
        if first:
            async with self.write_lock:
                if self.writer.can_write_eof():
                    self.writer.write_eof()
        await self.peer_ended.wait()
        if not self.released:
            self.released = True
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        return {"result": "ok"}

    def abort(self):
        transport = self.writer.transport
        if transport is not None:
            transport.abort()


def b64(data):
    return base64.b64encode(data).decode("ascii")


class Driver:
    def __init__(self):
        self.ends = None
        self.case = None
        self.tasks = set()

    def send(self, message):
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    async def start(self, request):
        a, b = socket.socketpair()
        self.ends = {}
        for side, sock in (("A", a), ("B", b)):
            reader, writer = await asyncio.open_connection(sock=sock, limit=1 << 16)
            self.ends[side] = End(reader, writer)
        self.case = request["case"]
        self.send({"case": self.case, "result": "ok"})

    def end(self, request):
        for task in self.tasks:
            task.cancel()
        self.tasks.clear()
        if self.ends:
            for end in self.ends.values():
                end.abort()
        self.ends = None
        self.send({"case": request["case"], "result": "ok"})

    async def perform(self, request):
        end = self.ends[request["side"]]
        call = request["call"]
        try:
            if call == "read":
                answer = await end.read()
            elif call == "write":
                answer = await end.write(base64.b64decode(request["bytes"]))
            elif call == "writev":
                parts = [base64.b64decode(p) for p in request["parts"]]
                answer = await end.write(b"".join(parts))
            else:
                answer = await end.close()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the flow's error, reported as E1 wants
            answer = {
                "result": "error",
                "code": error_code(exc),
                "description": "%s: %s" % (type(exc).__name__, exc),
            }
        answer["op"] = request["op"]
        self.send(answer)

    def spawn(self, request):
        task = asyncio.ensure_future(self.perform(request))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def run(self):
        loop = asyncio.get_running_loop()
        stdin = asyncio.StreamReader(limit=MAX_LINE)
        await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        self.send({
            "hello": VERSION,
            "name": "python-asyncio" + ("-bare" if BARE else ""),
            "description": "Python %d.%d asyncio streams over a socketpair%s"
            % (sys.version_info[:2] + (", mapped naively" if BARE else "",)),
            "capabilities": {"reset": False},
        })
        while True:
            line = await stdin.readline()
            if not line:
                return  # flowcheck closed our stdin: the run is over
            request = json.loads(line)
            call = request["call"]
            if call == "start":
                await self.start(request)
            elif call == "end":
                self.end(request)
            elif call == "reset":
                self.send({"op": request["op"], "result": "ok"})
            else:
                self.spawn(request)


if __name__ == "__main__":
    asyncio.run(Driver().run())
