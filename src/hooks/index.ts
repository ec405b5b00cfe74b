export { splitCommandLine, expandArgs, CommandLineError } from './command-line.ts';
export { inheritedEnv, isSecretEnvName, SECRET_ENV_NAMES } from './inherited-env.ts';
export { hookEnv, queryEscape, type HookEnvOptions } from './hook-env.ts';
export { ExternalCmd, startHook, type HookHandle, type HookOptions } from './external-cmd.ts';
export { startHookPair, type HookPair, type HookPairOptions } from './hook-pair.ts';
export { ConnectionHooks, type ConnectionHookCommands } from './connection-hooks.ts';
