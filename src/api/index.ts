export { ApiServer, type ApiServerOptions } from './api-server.ts';
export type { ApiHost, ApiServers, ApiConnectionSource, ApiRtspSource, ApiHlsMuxer, ApiWebRtcConn, ApiWebRtcStats } from './api-host.ts';
export type { ConfFile } from './conf-file-writer.ts';
export { MAX_BODY_BYTES, MAX_BODY_DEPTH } from './api-body.ts';
export { PASSWORD_MASK } from './api-conf-view.ts';
export {
  ConfSchema, PathConfSchema, PathsListSchema, RtspConnsListSchema, RtspSessionsListSchema, RtmpConnsListSchema,
  HlsMuxersListSchema, WebRtcConnsListSchema, ErrorSchema,
} from './api-schemas.ts';
export {
  V3GlobalConfSchema, V3PathConfSchema, V3PathConfListSchema, V3InfoSchema, V3OkSchema, V3ErrorSchema, V3PathSchema, V3PathListSchema,
  V3RtspConnSchema, V3RtspConnListSchema, V3RtspSessionSchema, V3RtspSessionListSchema, V3RtmpConnSchema, V3RtmpConnListSchema,
  V3HlsMuxerSchema, V3HlsMuxerListSchema, V3WebRtcSessionSchema, V3WebRtcSessionListSchema, V3RecordingSchema, V3RecordingListSchema,
  V3ForwardDestSchema, V3ForwardDestListSchema,
} from './v3-schemas.ts';
