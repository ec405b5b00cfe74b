import { WEBRTC_PAGE_COMMON_JS } from './webrtc-page-script.ts';

const STYLE = `html,body{margin:0;padding:0;height:100%;background:#000;color:#fff;font-family:sans-serif}
#video{width:100%;height:100%}#message{position:absolute;top:0;left:0;padding:8px;background:rgba(0,0,0,.6)}
form{position:absolute;top:32px;left:0;padding:8px;background:rgba(0,0,0,.6)}form *{margin:2px}`;

/**
 * The reader page (`/{path}/`): plays the path with WHEP, autoplay with sound, muted when the browser refuses,
 * says why it does not play, and reconnects every 2 s while the stream is absent or the connection drops.
 */
export const WEBRTC_READER_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>WebRTC</title>
<style>${STYLE}</style></head><body>
<video id="video" playsinline autoplay></video><div id="message">connecting…</div>
<script>
${WEBRTC_PAGE_COMMON_JS}
const video = document.getElementById('video');
let pc, location_, retryTimer;
window.webrtcState = { connected: false, attempts: 0 };
function retry(reason) {
  msg(reason + ', retrying…');
  window.webrtcState.connected = false;
  if (pc) { pc.close(); pc = undefined; }
  endSession(location_); location_ = undefined;
  clearTimeout(retryTimer);
  retryTimer = setTimeout(start, 2000);
}
async function start() {
  window.webrtcState.attempts++;
  try {
    pc = new RTCPeerConnection({ iceServers: await iceServers('whep') });
    const stream = new MediaStream();
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.ontrack = (ev) => {
      stream.addTrack(ev.track);
      if (video.srcObject !== stream) video.srcObject = stream;
      video.play().catch(() => { video.muted = true; video.play().catch(() => undefined); });
    };
    const cur = pc;
    pc.onconnectionstatechange = () => {
      if (cur !== pc) return;
      if (pc.connectionState === 'connected') { window.webrtcState.connected = true; msg(''); }
      if (pc.connectionState === 'failed' || pc.connectionState === 'disconnected') retry('connection ' + pc.connectionState);
    };
    location_ = await sendOffer('whep', pc);
    window.webrtcPc = pc;
  } catch (e) {
    retry(String(e && e.message || e));
  }
}
window.addEventListener('pagehide', () => endSession(location_));
start();
</script></body></html>
`;

/**
 * The publisher page (`/{path}/publish`): picks a camera, a microphone, a video codec and a bitrate, publishes with
 * WHIP and shows the connection's state.
 */
export const WEBRTC_PUBLISH_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>WebRTC publish</title>
<style>${STYLE}</style></head><body>
<video id="video" playsinline autoplay muted></video><div id="message">choose the devices, then publish</div>
<form id="form" onsubmit="return false">
<select id="camera"><option value="">no video</option></select>
<select id="microphone"><option value="">no audio</option></select>
<select id="codec"><option>H264</option><option>VP8</option><option>VP9</option><option>AV1</option></select>
<input id="bitrate" type="number" value="2000" min="100" max="20000"> kbit/s
<button id="publish">publish</button>
</form>
<script>
${WEBRTC_PAGE_COMMON_JS}
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(window.location.search);
window.webrtcState = { connected: false };
async function listDevices() {
  try {
    const tmp = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    tmp.getTracks().forEach((t) => t.stop());
  } catch (e) { /* listed without labels */ }
  for (const d of await navigator.mediaDevices.enumerateDevices()) {
    const sel = d.kind === 'videoinput' ? $('camera') : d.kind === 'audioinput' ? $('microphone') : undefined;
    if (!sel) continue;
    const o = document.createElement('option'); o.value = d.deviceId; o.textContent = d.label || d.kind;
    sel.appendChild(o);
    if (sel.options.length === 2) sel.value = d.deviceId;
  }
}
async function publish() {
  $('form').style.display = 'none';
  msg('connecting…');
  try {
    const media = await navigator.mediaDevices.getUserMedia({
      video: $('camera').value ? { deviceId: { exact: $('camera').value } } : false,
      audio: $('microphone').value ? { deviceId: { exact: $('microphone').value } } : false,
    });
    $('video').srcObject = media;
    const pc = new RTCPeerConnection({ iceServers: await iceServers('whip') });
    const codec = $('codec').value;
    for (const track of media.getTracks()) {
      const tr = pc.addTransceiver(track, { direction: 'sendonly' });
      if (track.kind === 'video') {
        const caps = RTCRtpSender.getCapabilities('video').codecs;
        const preferred = caps.filter((c) => c.mimeType.toLowerCase() === 'video/' + codec.toLowerCase());
        if (preferred.length > 0 && tr.setCodecPreferences) tr.setCodecPreferences([...preferred, ...caps.filter((c) => !preferred.includes(c))]);
        const p = tr.sender.getParameters();
        if (p.encodings && p.encodings[0]) { p.encodings[0].maxBitrate = Number($('bitrate').value) * 1000; tr.sender.setParameters(p).catch(() => undefined); }
      }
    }
    pc.onconnectionstatechange = () => {
      window.webrtcState.connected = pc.connectionState === 'connected';
      msg(pc.connectionState === 'connected' ? 'publishing' : 'connection ' + pc.connectionState);
    };
    const location_ = await sendOffer('whip', pc);
    window.webrtcPc = pc;
    window.addEventListener('pagehide', () => endSession(location_));
  } catch (e) {
    msg('error: ' + String(e && e.message || e));
    $('form').style.display = '';
  }
}
$('publish').onclick = publish;
listDevices().then(() => {
  if (params.get('codec')) $('codec').value = params.get('codec');
  if (params.get('autostart') !== null) publish();
});
</script></body></html>
`;
