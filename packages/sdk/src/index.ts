/** @healthbank/sdk — what health apps embed. */
export {};
