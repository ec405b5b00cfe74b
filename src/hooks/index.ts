export { splitCommandLine, expandArgs, CommandLineError, SECRET_ENV_NAMES } from './command-line.ts';
export { hookEnv, queryEscape, type HookEnvOptions } from './hook-env.ts';
export { ExternalCmd, startHook, type HookHandle, type HookOptions } from './external-cmd.ts';
export { startHookPair, type HookPair, type HookPairOptions } from './hook-pair.ts';
export { ConnectionHooks, type ConnectionHookCommands } from './connection-hooks.ts';
