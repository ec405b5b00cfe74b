/** SDP offers shaped like Chromium 156's (its capabilities: docs/testing.md §Chromium), for negotiation tests. */

const SESSION = [
  'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1', 'a=extmap-allow-mixed', 'a=msid-semantic: WMS',
];

const VIDEO_FORMATS = [
  ['96', 'VP8/90000', undefined],
  ['97', 'rtx/90000', 'apt=96'],
  ['98', 'VP9/90000', 'profile-id=0'],
  ['100', 'VP9/90000', 'profile-id=2'],
  ['102', 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f'],
  ['103', 'rtx/90000', 'apt=102'],
  ['104', 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f'],
  ['106', 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f'],
  ['108', 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f'],
  ['112', 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f'],
  ['127', 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=f4001f'],
  ['45', 'AV1/90000', 'level-idx=5;profile=0;tier=0'],
  ['114', 'red/90000', undefined],
  ['116', 'ulpfec/90000', undefined],
] as const;

const AUDIO_FORMATS = [
  ['111', 'opus/48000/2', 'minptime=10;useinbandfec=1'],
  ['63', 'red/48000/2', '111/111'],
  ['9', 'G722/8000', undefined],
  ['0', 'PCMU/8000', undefined],
  ['8', 'PCMA/8000', undefined],
  ['13', 'CN/8000', undefined],
  ['126', 'telephone-event/8000', undefined],
] as const;

function section(kind: 'video' | 'audio', mid: string, dir: string, formats: readonly (readonly [string, string, string | undefined])[]): string[] {
  const lines = [
    `m=${kind} 9 UDP/TLS/RTP/SAVPF ${formats.map((f) => f[0]).join(' ')}`, 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdef01234567', 'a=ice-options:trickle',
    'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
    'a=setup:actpass', `a=mid:${mid}`, `a=${dir}`, 'a=rtcp-mux', 'a=rtcp-rsize',
  ];
  for (const [pt, map, fmtp] of formats) {
    lines.push(`a=rtpmap:${pt} ${map}`);
    if (kind === 'video' && !map.startsWith('rtx') && !map.startsWith('red') && !map.startsWith('ulpfec')) lines.push(`a=rtcp-fb:${pt} nack`, `a=rtcp-fb:${pt} nack pli`);
    if (fmtp !== undefined) lines.push(`a=fmtp:${pt} ${fmtp}`);
  }
  return lines;
}

/** A WHEP viewer's offer: recvonly video then audio, every codec Chromium receives. */
export const CHROMIUM_WHEP_OFFER = [...SESSION, ...section('video', '0', 'recvonly', VIDEO_FORMATS), ...section('audio', '1', 'recvonly', AUDIO_FORMATS)].join('\r\n') + '\r\n';

/** A WHEP viewer's offer with audio only. */
export const CHROMIUM_AUDIO_ONLY_OFFER = [...SESSION, ...section('audio', '0', 'recvonly', AUDIO_FORMATS)].join('\r\n') + '\r\n';

/** A WHIP publisher's offer: sendonly video with VP8 first (Chromium's default order), then Opus. */
export const CHROMIUM_WHIP_OFFER = [...SESSION, ...section('video', '0', 'sendonly', VIDEO_FORMATS), ...section('audio', '1', 'sendonly', AUDIO_FORMATS)].join('\r\n') + '\r\n';

/** A WHIP offer whose video was put H264-first by setCodecPreferences. */
export const CHROMIUM_WHIP_H264_OFFER = [
  ...SESSION,
  ...section('video', '0', 'sendonly', [...VIDEO_FORMATS.filter((f) => f[1].startsWith('H264')), ...VIDEO_FORMATS.filter((f) => !f[1].startsWith('H264'))]),
  ...section('audio', '1', 'sendonly', AUDIO_FORMATS),
].join('\r\n') + '\r\n';
