export { Logger, formatTime, type LogLevel, type LogDestination, type LoggerOptions } from './logger.ts';
export { RingBuffer } from './ring-buffer.ts';
export { ByteQueue } from './byte-queue.ts';
export { deferred, type Deferred } from './deferred.ts';
export { assertNever } from './assert-never.ts';
export { ErrorCounter } from './error-counter.ts';
export { rescale, VIDEO_CLOCK_RATE, type Rounding } from './clock.ts';
export { parseListenAddress, normalizeIp, AddressError, type ListenAddress } from './net-address.ts';
export { readStartupFile } from './startup-file.ts';
export { requireCjsPackage } from './cjs-package.ts';
export { lazyModule, type LazyModule } from './lazy-module.ts';
export { redactUrl, redactSecrets, REDACTED } from './redact-url.ts';
export { splitIceServerEntry, maskIceServerEntry, IceServerEntryError, type IceServerEntry } from './ice-server-entry.ts';
export { TypedEmitter, type EventMap } from './typed-emitter.ts';
export { openTcpListener, type TcpListener, type TcpListenerOptions, type ListenerTls } from './tcp-listener.ts';
export { trackTlsHandshakes, type PendingTlsHandshakes } from './tls-handshakes.ts';
export { ConnectionRegistry, type RegisteredConnection } from './connection-registry.ts';
export { openHttpListener, isLoopbackAddress, type HttpListener, type HttpListenerOptions, type HttpHandler } from './http-listener.ts';
export { withAuthGuard, type HttpAuthGuard, type HttpAuthVerdict } from './http-auth-guard.ts';
export {
  normalizeFingerprint, certificateFingerprint, connectPinnedTls, pinnedHttpsOptions, isUntrustedCertificateError, tlsErrorMessage, type PinnedTlsOptions,
} from './tls-fingerprint.ts';
export { FrameBatchedSocket, FRAME_FLUSH_DELAY_MS } from './frame-batched-socket.ts';
export { watchReadIdle } from './read-idle-watch.ts';
export { SharedJoin, SHARED_JOIN_MAX_BYTES, SHARED_JOIN_MAX_PARTS } from './shared-join.ts';
export { UdpBatchSender, loadUdpBatchAddon, dgramSocketFd, UDP_BATCH_ADDON_PATH, type UdpBatchAddon, type UdpBatchSenderOptions, type UdpBatchSenderStats } from './udp-batch-sender.ts';
export {
  holdYoungGeneration, capYoungGeneration, releaseYoungGeneration, BUSY_SCAVENGE_MS_PER_SECOND, BUSY_YOUNG_GENERATION_CAP_BYTES, type YoungGenerationLoad, youngGenerationBytes, youngGenerationCap, YOUNG_GENERATION_CAP_BYTES, YOUNG_GENERATION_ENV,
} from './young-generation.ts';
export { holdOptimizer, mayHoldOptimizer, releaseOptimizer } from './optimizer-hold.ts';
export { limitOldGenerationGrowth, oldGenerationGrowthPercent, OLD_GENERATION_GROWTH_ENV, OLD_GENERATION_GROWTH_PERCENT } from './old-generation.ts';
export { Http1FastPath, prepareHttpHead, type FastHttpRequest, type FastHttpHandler, type Http1FastPathOptions, type PreparedHttpHead } from './http1-fast-path.ts';
export { parseHttp1RequestHead, type Http1RequestHead, type Http1HeadResult } from './http1-request-head.ts';
