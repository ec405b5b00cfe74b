export type { AccessRequest, Action, Credentials, Protocol } from './access-request.ts';
export { AuthError } from './auth-error.ts';
export { AuthManager, type AuthManagerOptions } from './auth-manager.ts';
export { IpList, IpListError } from './ip-list.ts';
export { matchesStored, credentialsMatch } from './credential.ts';
export { externalAuthBody, type ExternalAuthBody } from './external-auth.ts';
