export type { AccessRequest, Action, Credentials, Protocol } from './access-request.ts';
