/**
 * The shapes of Node's socket addresses and TLS options, as the public types of the streams
 * name them. They are written here, not imported from `node:net` and `node:tls`, so that a
 * program using yieldio type-checks without `@types/node` (the README's promise); with
 * `@types/node`, Node's own `AddressInfo`, `tls.ConnectionOptions` and `tls.TlsOptions` are
 * assignable to them.
 *
 * @module
 */

/**
 * Where a TCP socket or server is bound: Node's `AddressInfo`.
 *
 * @example
 * ```ts
 * const { address, port } = server.address() as SocketAddress;
 * console.log(`listening on ${address}:${port}`);
 * ```
 */
export interface SocketAddress {
  /** The IP address (`"127.0.0.1"`, `"::1"` ...). */
  readonly address: string;
  /** `"IPv4"` or `"IPv6"`. */
  readonly family: string;
  /** The port. */
  readonly port: number;
}

/**
 * Bytes or text of a key or certificate, as Node's TLS options take them (PEM text, or the
 * bytes of a file read with `readFileSync`), or a list of them.
 *
 * @example
 * ```ts
 * const ca: TlsCredential = readFileSync("ca.pem");
 * ```
 */
export type TlsCredential = string | Uint8Array | ReadonlyArray<string | Uint8Array>;

/**
 * TLS options of a client: Node's `tls.connect()` options. The common ones are named here;
 * any other of Node's is passed through as it is.
 *
 * @example
 * ```ts
 * const tls: TlsConnectOptions = { ca: readFileSync("my-ca.pem"), servername: "api.internal" };
 * ```
 */
export interface TlsConnectOptions {
  /** Certificate authorities to trust in place of the system's. */
  readonly ca?: TlsCredential;
  /** A client certificate, for servers that ask for one. */
  readonly cert?: TlsCredential;
  /** The private key of `cert`. */
  readonly key?: TlsCredential;
  /** The host name sent with SNI and checked against the certificate; default: the host connected to. */
  readonly servername?: string;
  /** Refuse a certificate that does not check out. Default true: turn it off only for tests. */
  readonly rejectUnauthorized?: boolean;
  /** Protocols offered with ALPN (`["h2", "http/1.1"]`). */
  readonly ALPNProtocols?: readonly string[];
  /** Any other option of Node's `tls.connect()`. */
  readonly [option: string]: unknown;
}

/**
 * TLS options of a server: Node's `tls.createServer()` options. The common ones are named
 * here; any other of Node's is passed through as it is.
 *
 * @example
 * ```ts
 * const tls: TlsServerOptions = { key: readFileSync("key.pem"), cert: readFileSync("cert.pem") };
 * ```
 */
export interface TlsServerOptions {
  /** The server's private key. */
  readonly key?: TlsCredential;
  /** The server's certificate (chain). */
  readonly cert?: TlsCredential;
  /** Certificate authorities to check client certificates with. */
  readonly ca?: TlsCredential;
  /** Ask clients for a certificate. */
  readonly requestCert?: boolean;
  /** With `requestCert`, refuse clients whose certificate does not check out. */
  readonly rejectUnauthorized?: boolean;
  /** Protocols accepted with ALPN. */
  readonly ALPNProtocols?: readonly string[];
  /** Any other option of Node's `tls.createServer()`. */
  readonly [option: string]: unknown;
}
