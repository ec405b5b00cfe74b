/** How many times per timeout the byte count is sampled: a silence is noticed at most a quarter of the timeout late. */
const CHECKS_PER_TIMEOUT = 4;

/**
 * Calls `onIdle` once when `socket` has received no byte for `timeoutMs` (noticed up to a quarter of it later).
 * Why not socket.setTimeout: Node re-arms that timer on every read, a timer-list insert per read that was 9 % of a
 * publisher's JavaScript time (docs/performance.md, Ingest of one stream); this samples the socket's byte count a
 * few times per timeout instead. Returns a function that stops the watch.
 */
export function watchReadIdle(socket: { readonly bytesRead: number }, timeoutMs: number, onIdle: () => void): () => void {
  let seen = socket.bytesRead;
  let lastChange = Date.now();
  let done = false;
  const timer = setInterval(() => {
    if (done) return;
    const now = Date.now();
    const n = socket.bytesRead;
    if (n !== seen) { seen = n; lastChange = now; return; }
    if (now - lastChange < timeoutMs) return;
    stop();
    onIdle();
  }, Math.max(1, Math.floor(timeoutMs / CHECKS_PER_TIMEOUT)));
  // The socket, not this check, is what keeps the process alive.
  timer.unref();
  function stop(): void { done = true; clearInterval(timer); }
  return stop;
}
