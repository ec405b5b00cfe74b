import type { Description } from '../../formats/index.ts';
import type { AccessRequest, ParticipantInfo, Publisher, Reader } from '../contracts.ts';

/** A one-track H264 description, for tests that only need some stream. */
export const H264_DESCRIPTION: Description = {
  medias: [{ kind: 'video', formats: [{ codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() }] }],
};

/** A publisher or reader that records why the path closed it. */
export class FakeParticipant implements Publisher, Reader {
  closedWith: Error | undefined;
  constructor(readonly info: ParticipantInfo) {}
  close(reason: Error): void { this.closedWith = reason; }
}

let next = 0;
/** A new participant with a unique id. */
export function participant(): FakeParticipant { return new FakeParticipant({ type: 'rtspSession', id: String(++next) }); }

/** An RTSP request from 127.0.0.1 for `pathName`. */
export function request(pathName: string, action: AccessRequest['action'] = 'read'): AccessRequest {
  return { pathName, query: '', protocol: 'rtsp', action, ip: '127.0.0.1' };
}
