// What an RTSP listener runs once a client connects: its connections, sessions, request handling, multicast writers
// and fan-out shards, with the protocol code, formats and codecs under them. rtsp-server.ts imports this file on the
// first connection (or at start when shards are on), so an idle server need not hold it (docs/performance.md, Memory).
export { RtspConn } from './rtsp-conn.ts';
export { RtspSession } from './rtsp-session.ts';
export { RtspServerHandler } from './rtsp-request-handler.ts';
export { RtspMulticastStream } from './rtsp-multicast-stream.ts';
export { RtspFanout } from './rtsp-fanout.ts';
