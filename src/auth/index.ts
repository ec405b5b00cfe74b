export type { AccessRequest, Action, Credentials, Protocol } from './access-request.ts';
export { AuthError } from './auth-error.ts';
export { AuthManager, logSafeUser, type AuthManagerOptions } from './auth-manager.ts';
export { IpList, IpListError, ipBytes } from './ip-list.ts';
export { matchesStored, credentialsMatch, isHashedCredential } from './credential.ts';
export { ExternalAuthClient, externalAuthBody, MAX_EXTERNAL_AUTH_RESPONSE, type ExternalAuthBody } from './external-auth.ts';
