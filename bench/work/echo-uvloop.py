"""The TCP echo of bench/rows/streams.ts on uvloop (asyncio's streams), for scale.

Started once by the bench; each line on stdin runs the whole workload once (listen on
127.0.0.1, 50 clients x 1,000 round trips of 64 bytes, close everything) and answers "done"
on stdout, or "failed <why>". End of stdin ends the process. Every echo is checked, as in the
JavaScript contenders.
"""

import asyncio
import sys

import uvloop

HOST = "127.0.0.1"
CLIENTS = 50
ROUNDS = 1000
PAYLOAD_BYTES = 64
READ_SIZE = 65536


def payload(client: int, round_: int) -> bytes:
    """The bytes client `client` sends in round `round_` (as payload() in streams.ts)."""
    head = client.to_bytes(4, "little") + round_.to_bytes(4, "little")
    return head + bytes((client + round_ + i) & 0xFF for i in range(8, PAYLOAD_BYTES))


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            chunk = await reader.read(READ_SIZE)
            if not chunk:
                return
            writer.write(chunk)
            await writer.drain()
    finally:
        writer.close()


async def client(port: int, number: int) -> int:
    reader, writer = await asyncio.open_connection(HOST, port)
    rounds = 0
    try:
        for round_ in range(ROUNDS):
            sent = payload(number, round_)
            writer.write(sent)
            echoed = await reader.readexactly(PAYLOAD_BYTES)
            if echoed != sent:
                raise RuntimeError(f"uvloop: client {number}, round {round_}: the echo differs")
            rounds += 1
    finally:
        writer.close()
        await writer.wait_closed()
    return rounds


async def one_run() -> None:
    server = await asyncio.start_server(echo, HOST, 0)
    try:
        port = server.sockets[0].getsockname()[1]
        counts = await asyncio.gather(*(client(port, number) for number in range(CLIENTS)))
        if sum(counts) != CLIENTS * ROUNDS:
            raise RuntimeError("uvloop: not every round trip was made")
    finally:
        server.close()
        await server.wait_closed()


async def main() -> None:
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    print("ready", flush=True)
    while await commands.readline():
        try:
            await one_run()
            print("done", flush=True)
        except Exception as error:  # reported to the bench, which fails the run
            print(f"failed {error!r}", flush=True)


uvloop.install()
asyncio.run(main())
