export { splitCommandLine, expandArgs, CommandLineError } from './command-line.ts';
export { hookEnv, type HookEnvOptions } from './hook-env.ts';
export { startHook, type HookHandle, type HookOptions } from './external-cmd.ts';
