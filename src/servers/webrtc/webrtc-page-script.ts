/**
 * Browser code shared by the reader and publisher pages (plain ES2017, no library): ICE servers from the endpoint's
 * `Link` headers (draft-ietf-wish-whip §4.4), a non-trickle offer (candidates gathered first, at most 3 s), the
 * POST of the offer and the session's DELETE when the page goes.
 */
export const WEBRTC_PAGE_COMMON_JS = `
const msg = (t) => { document.getElementById('message').textContent = t; };
const linkToIceServers = (links) => (links ? links.split(', ').map((link) => {
  const m = link.match(/^<(.+?)>; rel="ice-server"(; username="(.*?)"; credential="(.*?)"; credential-type="password")?/i);
  if (!m) return undefined;
  return m[3] !== undefined ? { urls: [m[1]], username: m[3], credential: m[4] } : { urls: [m[1]] };
}).filter((s) => s) : []);
const endpoint = (role) => role + window.location.search;
async function iceServers(role) {
  try {
    const r = await fetch(endpoint(role), { method: 'OPTIONS' });
    return linkToIceServers(r.headers.get('Link'));
  } catch (e) { return []; }
}
async function gathered(pc) {
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') { resolve(); return; }
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
    setTimeout(resolve, 3000);
  });
}
async function sendOffer(role, pc) {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const res = await fetch(endpoint(role), { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
  if (res.status !== 201) {
    const text = (await res.text()).trim();
    throw new Error(res.status === 404 ? 'stream not found' : (text || ('status ' + res.status)));
  }
  const location = res.headers.get('Location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  return location;
}
function endSession(location) {
  if (location) fetch(location, { method: 'DELETE', keepalive: true }).catch(() => undefined);
}
`;
