/** The version printed by `--version` and logged at start. */
export const VERSION = 'v0.1.0';
