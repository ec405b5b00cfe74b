/** Closes a `switch` over a union: compiling fails when a case is missing. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
