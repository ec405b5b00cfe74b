export { Logger, formatTime, type LogLevel, type LogDestination, type LoggerOptions } from './logger.ts';
export { RingBuffer } from './ring-buffer.ts';
export { deferred, type Deferred } from './deferred.ts';
export { assertNever } from './assert-never.ts';
export { ErrorCounter } from './error-counter.ts';
export { rescale } from './clock.ts';
export { parseListenAddress, normalizeIp, AddressError, type ListenAddress } from './net-address.ts';
export { readStartupFile } from './startup-file.ts';
export { redactUrl, redactSecrets, REDACTED } from './redact-url.ts';
