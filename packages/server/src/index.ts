/** @healthbank/server — the platform: composition root, configuration and storage. */
export { type AppOptions, buildApp } from './app.js';
export { type AuditVerification, verifyAuditLog } from './audit/index.js';
export { registerSandboxApps, SANDBOX_DIABETES_DIARY } from './auth/index.js';
export { type Config, ConfigError, loadConfig } from './config/config.js';
export * from './db/index.js';
export { PROBLEMS, type ProblemCode, ProblemError, problemDetails } from './errors/problems.js';
export { type SandboxHistory, seedSandboxHistory } from './examples/history.js';
export { type RunningServer, serve } from './serve.js';
