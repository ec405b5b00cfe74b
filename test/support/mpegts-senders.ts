import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { FFMPEG_CODECS, type TestCodec } from './media.ts';
import { start, type Running } from './process.ts';

const VIDEO_IN = ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25'];
const AUDIO_IN = ['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];

/**
 * FFmpeg sending test media as MPEG-TS over UDP to `host:port` (a group too: in the suite's namespace multicast is
 * routed through lo), in datagrams of 7 TS packets as FFmpeg's `pkt_size=1316` makes them.
 */
export function ffmpegSendMpegTs(host: string, port: number, o: { video?: TestCodec; audio?: TestCodec; seconds: number }): Running {
  const args = ['-nostdin', '-loglevel', 'warning'];
  if (o.video) args.push(...VIDEO_IN);
  if (o.audio) args.push(...AUDIO_IN);
  args.push('-t', String(o.seconds));
  if (o.video) args.push(...FFMPEG_CODECS[o.video]);
  if (o.audio) args.push(...FFMPEG_CODECS[o.audio]);
  args.push('-f', 'mpegts', `udp://${host}:${port}?pkt_size=1316&ttl=1`);
  return start('ffmpeg', args, { timeoutMs: (o.seconds + 20) * 1000 });
}

/**
 * GStreamer sending H264 + Opus as MPEG-TS (mpegtsmux, 7 packets a datagram) over UDP to `host:port`, from 127.0.0.1:
 * a multicast sender bound to no address sends through lo with source address 0.0.0.0, which a source-specific
 * membership (`?source=127.0.0.1`) rightly refuses.
 */
export function gstSendMpegTs(host: string, port: number, seconds: number): Running {
  const pipeline = [
    'videotestsrc', 'is-live=true', `num-buffers=${seconds * 25}`, '!', 'video/x-raw,width=320,height=240,framerate=25/1', '!',
    'x264enc', 'tune=zerolatency', 'speed-preset=ultrafast', 'key-int-max=25', '!', 'video/x-h264,profile=baseline', '!', 'h264parse', '!',
    'mpegtsmux', 'name=m', 'alignment=7', '!', 'udpsink', `host=${host}`, `port=${port}`, 'bind-address=127.0.0.1', 'ttl-mc=1', 'auto-multicast=true', 'sync=true',
    'audiotestsrc', 'is-live=true', `num-buffers=${seconds * 50}`, '!', 'audio/x-raw,rate=48000,channels=2', '!', 'opusenc', '!', 'm.',
  ];
  return start('gst-launch-1.0', ['-q', ...pipeline], { timeoutMs: (seconds + 20) * 1000 });
}

/** Sends datagrams of random bytes (some starting with the TS sync byte) to `127.0.0.1:port` every `everyMs` until stopped. */
export function sendRandomDatagrams(port: number, everyMs = 5): { stop(): void; sent(): number } {
  const s = createSocket('udp4');
  let sent = 0;
  const timer = setInterval(() => {
    const b = randomBytes(1316);
    if (sent % 2 === 0) for (let i = 0; i < 7; i++) b[i * 188] = 0x47;
    s.send(b, port, '127.0.0.1');
    sent++;
  }, everyMs);
  return { stop: () => { clearInterval(timer); s.close(); }, sent: () => sent };
}
