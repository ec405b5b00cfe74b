#!/usr/bin/env node
// The `mediamtx` entry point. V8's young generation is held at its initial size while the server's modules load
// (lib/young-generation.ts says why), so the rest of the program is imported after the hold, not statically.
import { holdYoungGeneration, youngGenerationCap } from './lib/index.ts';

if (youngGenerationCap() !== undefined) holdYoungGeneration();
const { runCli } = await import('./app/index.ts');
runCli(process.argv.slice(2));
