export type { AppCertificate } from "./certificates.js";
export { createAppCertificate } from "./certificates.js";
export type { ChatHook, ChatHookContext, ChatHookReply, ChatHookRequest } from "./chat-hooks.js";
export { defaultIds, defaultScenario } from "./default-scenario.js";
export type { AadstsCode } from "./entra-errors.js";
export type { FaultEffect, FaultHandle, FaultOptions } from "./faults.js";
export { MockFaults } from "./faults.js";
export type { FederatedTokenOptions } from "./federated-token.js";
export type { JournalEntry, JournalFilter, MockRoute } from "./journal.js";
export { MockJournal } from "./journal.js";
export { LiveScenario } from "./live-scenario.js";
export type {
  MockAzure,
  MockIdentityOptions,
  StartMockAzureOptions,
} from "./mock-azure.js";
export { startMockAzure } from "./mock-azure.js";
export type { MockDefaults, MockTenantDefaults } from "./mock-defaults.js";
export type {
  Scenario,
  ScenarioApp,
  ScenarioDeployment,
  ScenarioInput,
  ScenarioManagedIdentity,
  ScenarioResource,
  ScenarioRoleAssignment,
  ScenarioTenant,
} from "./scenario.js";
export { scenarioSchema } from "./scenario.js";
