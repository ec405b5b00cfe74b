#!/usr/bin/env node
// The `mediamtx` entry point. V8's young generation is held at its initial size while the server's modules load
// (lib/young-generation.ts says why), so the rest of the program is imported after the hold, not statically; the old
// generation's growth between full collections is bounded from the start (lib/old-generation.ts). TurboFan is held
// until the server runs (lib/optimizer-hold.ts).
import {
  holdOptimizer, holdYoungGeneration, limitOldGenerationGrowth, mayHoldOptimizer, oldGenerationGrowthPercent, youngGenerationCap,
} from './lib/index.ts';

if (mayHoldOptimizer()) holdOptimizer();
if (youngGenerationCap() !== undefined) holdYoungGeneration();
const growth = oldGenerationGrowthPercent();
if (growth !== undefined) limitOldGenerationGrowth(growth);
const { runCli } = await import('./app/index.ts');
runCli(process.argv.slice(2));
