/**
 * `_SelectorListener`: how a server on the selector's own sockets survives accept() failing.
 * A real listening NativeSocket behind a wrapper whose accept() fails once with the error under
 * test; Linux only (the addon is epoll's).
 */
import test from "ava";
import type { ExecutionContext } from "ava";
import { getRunningLoop, openConnection } from "../../../lib/index.js";
import type { ExceptionContext } from "../../../lib/index.js";
import { Server } from "../../../lib/streams/server.js";
import { _SelectorListener } from "../../../lib/streams/selector-listener.js";
import { _systemError } from "../../../selectors/native-socket.js";
import { NativeSelector, NativeSocket } from "../../../selectors/index.js";
import type { NativeSocketAddress, SelectorSocket } from "../../../selectors/index.js";
import { runReal } from "../../helpers/loop.js";

const onLinux = process.platform === "linux" ? test : (): void => undefined;

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");

/** A listening socket whose first accept() throws `code` (as the system would report it). */
function failingOnce(code: string, errno: number): SelectorSocket & { readonly real: NativeSocket } {
  const real = NativeSocket.listenTcp("127.0.0.1", 0);
  let failed = false;
  return {
    real,
    fd: real.fd,
    accept: () => {
      if (failed) return real.accept();
      failed = true;
      throw _systemError(-errno, "accept");
    },
    connectError: () => real.connectError(),
    recv: (bytes, offset, length) => real.recv(bytes, offset, length),
    send: (bytes, offset, length) => real.send(bytes, offset, length),
    shutdownWrite: () => real.shutdownWrite(),
    close: () => real.close(),
    localAddress: () => real.localAddress(),
    peerAddress: () => real.peerAddress(),
  };
}

/** Serves "hi" on a listener whose first accept() fails with `code`; a client connects and reads it. */
async function serveThroughFailure(
  t: ExecutionContext,
  code: string,
  errno: number,
): Promise<{ log: string[]; reports: ExceptionContext[] }> {
  const log: string[] = [];
  const { reports } = await runReal(
    t,
    function* () {
      const loop = getRunningLoop();
      const listening = failingOnce(code, errno);
      const server = new Server(loop, new _SelectorListener(loop, listening, undefined, undefined), function* (_reader, writer) {
        writer.write("hi\n");
      });
      const original = loop.getExceptionHandler();
      loop.setExceptionHandler((context, reportingLoop) => {
        log.push(`reported; listening socket watched: ${String(loop.selector.getKey(listening) !== undefined)}`);
        original?.(context, reportingLoop);
      });
      const { port } = listening.real.localAddress() as NativeSocketAddress;
      const [reader, writer] = yield* openConnection("127.0.0.1", port);
      log.push(`client read ${text(yield* reader.readLine())}`);
      writer.close();
      yield* writer.waitClosed();
      server.close();
      yield* server.waitClosed();
      log.push(`closed: ${String(listening.real.closed)}`);
    },
    { selector: new NativeSelector(), allowReports: true },
  );
  return { log, reports };
}

onLinux(
  "`startServer()` behaviour: on a NativeSelector, EMFILE on accept is reported, accepting pauses (the socket is unwatched), then resumes",
  async (t) => {
    const { log, reports } = await serveThroughFailure(t, "EMFILE", 24);
    t.deepEqual(log, ["reported; listening socket watched: false", "client read hi\n", "closed: true"]);
    t.deepEqual(
      reports.map((report) => [report.message, (report.exception as NodeJS.ErrnoException).code]),
      [["a server of startServer() failed to accept a connection; it goes on in 1000 ms", "EMFILE"]],
    );
  },
);

onLinux(
  "`startServer()` behaviour: on a NativeSelector, ECONNABORTED on accept (the peer gave up first) is skipped silently",
  async (t) => {
    const { log, reports } = await serveThroughFailure(t, "ECONNABORTED", 103);
    t.deepEqual(log, ["client read hi\n", "closed: true"]);
    t.deepEqual(reports, []);
  },
);

onLinux("`startServer()` behaviour: on a NativeSelector, another accept error is reported and accepting goes on at once", async (t) => {
  const { log, reports } = await serveThroughFailure(t, "EPERM", 1);
  t.deepEqual(log, ["reported; listening socket watched: true", "client read hi\n", "closed: true"]);
  t.deepEqual(
    reports.map((report) => [report.message, (report.exception as NodeJS.ErrnoException).code]),
    [["a server of startServer() failed to accept a connection; it goes on", "EPERM"]],
  );
});
