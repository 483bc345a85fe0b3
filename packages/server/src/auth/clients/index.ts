/** The registry of organisations and their apps (OAuth clients). */
export {
  type App,
  type AppInput,
  findApp,
  redirectUriError,
  registerApp,
  setAppStatus,
  webhookUrlError,
} from './apps.js';
export { clientMetadataOf } from './client-metadata.js';
export { RegistryError, type RegistryErrorCode } from './errors.js';
export {
  findOrganisation,
  ORGANISATION_TYPE_NAMES,
  ORGANISATION_TYPES,
  type Organisation,
  type OrganisationInput,
  registerOrganisation,
} from './organisations.js';
export {
  type ExampleOrigin,
  registerSandboxApps,
  SANDBOX_DIABETES_DIARY,
  SANDBOX_TELECONSULT,
  SANDBOX_WORKPLACE_HEALTH,
} from './sandbox.js';
