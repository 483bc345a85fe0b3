/** @healthbank/server — the platform: composition root, configuration and storage. */
export { type AppOptions, buildApp } from './app.js';
export { type AuditVerification, verifyAuditLog } from './audit/index.js';
export {
  type ExampleOrigin,
  registerSandboxApps,
  SANDBOX_DIABETES_DIARY,
  SANDBOX_TELECONSULT,
  SANDBOX_WORKPLACE_HEALTH,
} from './auth/index.js';
export { type Config, ConfigError, loadConfig } from './config/config.js';
export { productionRealm, type Realm, realmOf, sandboxRealm } from './config/realms.js';
export * from './db/index.js';
export { PROBLEMS, type ProblemCode, ProblemError, problemDetails } from './errors/problems.js';
export { type SandboxHistory, seedSandboxHistory } from './examples/history.js';
export { DEVELOPMENT_REVIEWER, seedDevelopmentReviewer } from './review/development.js';
export { addReviewer, ReviewerError } from './review/reviewers.js';
export { type RunningRealms, type RunningServer, serve, serveRealms } from './serve.js';
