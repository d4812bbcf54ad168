// The aws shell's public API: the contract the app, labs and real mode code against
// (see notes/shell-api.md).
export { ShellSession, emptyState, normalizeState, lookAlikes } from './session.js';
export type { RegisteredCommand } from './session.js';
export type {
  ShellState,
  ConsoleState,
  ShellResult,
  ShellOptions,
  CommandOutput,
  PromptFn,
  WorldLike,
  CallerInfoLike,
  CachedRoleCredentials,
} from './types.js';
export { defaultShellHome, openDefaultShell, type DefaultShell } from './default-world.js';
