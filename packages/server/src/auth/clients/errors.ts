/** Why the registry refused an organisation or an app. */
export type RegistryErrorCode =
  | 'invalid_organisation'
  | 'invalid_identifier'
  | 'duplicate_identifier'
  | 'invalid_app'
  | 'invalid_redirect_uri'
  | 'invalid_jwks'
  | 'unknown_organisation'
  | 'duplicate_client_id';

/** A registry input that breaks a rule; `message` says which, for the developer who sent it. */
export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
  }
}
