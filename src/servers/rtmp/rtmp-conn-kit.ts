// What an RTMP listener runs once a client connects: its connections, the shared stream muxers and the fan-out
// shards, with the RTMP protocol code, formats and codecs under them. rtmp-server.ts imports this file on the first
// connection, so an idle server need not hold it (docs/performance.md, Memory).
export { RtmpConn, OUT_CHUNK_SIZE } from './rtmp-conn.ts';
export { RtmpFanout } from './rtmp-fanout.ts';
export { RtmpStreamMuxer } from '../../protocols/rtmp/index.ts';
