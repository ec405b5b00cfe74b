/**
 * The player page served at `/<path>/`. Every URL in it is relative (`hls.min.js`, `index.m3u8`), so it works at any
 * path depth and behind a reverse proxy that adds a prefix. hls.js plays wherever Media Source Extensions exist;
 * Safari (and iOS, which lacks them) plays the playlist natively. When the stream is not there yet, the page says why
 * (the server's answer to `index.m3u8`) and tries again every 2 s; autoplay with sound that the browser refuses
 * falls back to muted autoplay; a player left far behind the live edge jumps back to it. `window.hls` is left for tools
 * (tests read `hls.latency`).
 */
export const HLS_PAGE_HTML = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>stream</title>
<style>
html, body { margin: 0; padding: 0; height: 100%; overflow: hidden; background: #000; }
#video { display: block; width: 100%; height: 100%; background: #000; }
#message {
  position: absolute; inset: 0; display: none; align-items: center; justify-content: center; padding: 1em;
  color: #fff; font: 18px sans-serif; text-align: center; pointer-events: none;
}
</style>
</head>
<body>
<video id="video" controls playsinline></video>
<div id="message"></div>
<script src="hls.min.js"></script>
<script>
(() => {
  const RETRY_MS = 2000;
  const video = document.getElementById('video');
  const message = document.getElementById('message');
  let hls;

  const show = (text) => {
    message.textContent = text;
    message.style.display = text === '' ? 'none' : 'flex';
  };

  // Browsers refuse autoplay with sound until the user interacts with the page: then play muted.
  const play = () => {
    const p = video.play();
    if (p !== undefined) {
      p.catch(() => {
        video.muted = true;
        video.play().catch(() => {});
      });
    }
  };

  // Asks the server why the playlist is not available, shows it, and tries again.
  const explainAndRetry = async () => {
    let text = 'The stream is not available, retrying…';
    try {
      const res = await fetch('index.m3u8', { cache: 'no-store' });
      if (res.ok) {
        text = '';
      } else {
        const body = (await res.text()).trim();
        if (/not configured/.test(body)) text = 'This stream does not exist (' + body + ').';
        else if (res.status === 404) text = 'Waiting for the stream to start…';
        else text = 'Error ' + res.status + ': ' + body;
      }
    } catch (err) {
      text = 'The server cannot be reached, retrying…';
    }
    show(text);
    setTimeout(start, RETRY_MS);
  };

  const startHlsJs = () => {
    hls = new Hls({ maxLiveSyncPlaybackRate: 1.5 });
    window.hls = hls;
    hls.on(Hls.Events.ERROR, (evt, data) => {
      if (!data.fatal) return;
      hls.destroy();
      hls = undefined;
      explainAndRetry();
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      show('');
      play();
    });
    hls.loadSource('index.m3u8');
    hls.attachMedia(video);
  };

  // hls.js speeds playback up (to 1.5x at most) only while it is within one target duration of its target latency;
  // a slow start or a stall can leave it further behind for good. Then the page jumps to the live position, when the
  // buffer already holds it.
  const LATENCY_SLACK_S = 0.5;
  setInterval(() => {
    if (hls === undefined || video.paused) return;
    const target = hls.targetLatency;
    const pos = hls.liveSyncPosition;
    if (target === null || pos === null || !(hls.latency > target + LATENCY_SLACK_S)) return;
    for (let i = 0; i < video.buffered.length; i++) {
      if (video.buffered.start(i) <= pos && pos < video.buffered.end(i)) { video.currentTime = pos; return; }
    }
  }, 1000);

  // Safari's own HLS reports no HTTP status, so the playlist is fetched first to tell a missing stream apart.
  const startNative = async () => {
    try {
      const res = await fetch('index.m3u8', { cache: 'no-store' });
      if (!res.ok) { explainAndRetry(); return; }
    } catch (err) {
      explainAndRetry();
      return;
    }
    show('');
    video.src = 'index.m3u8';
    play();
  };

  video.addEventListener('error', () => {
    if (hls === undefined && video.src !== '') {
      video.removeAttribute('src');
      video.load();
      explainAndRetry();
    }
  });

  const isSafari = /Apple/.test(navigator.vendor) && video.canPlayType('application/vnd.apple.mpegurl') !== '';
  const start = () => {
    if (!isSafari && window.Hls !== undefined && Hls.isSupported()) startHlsJs();
    else if (video.canPlayType('application/vnd.apple.mpegurl') !== '') startNative();
    else show('This browser cannot play HLS.');
  };

  start();
})();
</script>
</body>
</html>
`;
