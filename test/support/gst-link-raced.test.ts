import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gstLinkRaced } from './media.ts';
import type { RunResult } from './process.ts';

/** A finished gst-launch run with this output (the other fields do not matter to gstLinkRaced). */
function runOf(stdout: string, stderr: string): RunResult {
  return { code: 1, signal: null, timedOut: false, stdout, stderr };
}

// Lines as gst-launch 1.22 printed them on these machines.
const DELAYED_WARNING = 'WARNING: from element /GstPipeline:pipeline0/GstRTSPSrc:rtspsrc0: Delayed linking failed.\n';
const NOT_LINKED = 'ERROR: from element /GstPipeline:pipeline0/GstRTSPSrc:rtspsrc0: Internal data stream error.\nstreaming stopped, reason not-linked (-1)\n';
const FREED_PAD = "(gst-launch-1.0:21221): GStreamer-CRITICAL **: 20:01:59.981: gst_pad_unlink: assertion 'GST_IS_PAD (srcpad)' failed\n";
const NOT_NEGOTIATED = 'ERROR: from element /GstPipeline:pipeline0/GstRTSPSrc:rtspsrc0: Internal data stream error.\nstreaming stopped, reason not-negotiated (-4)\n';

describe('gstLinkRaced: which gst-launch failures are its own delayed-linking race', () => {
  const cases: [string, RunResult, string | undefined][] = [
    ['the WARNING on stdout, the ERROR on stderr', runOf(DELAYED_WARNING, NOT_LINKED), '"Delayed linking failed"'],
    ['the WARNING on stderr', runOf('', DELAYED_WARNING), '"Delayed linking failed"'],
    ['criticals from gst_pad_unlink on a freed pad', runOf('', FREED_PAD + NOT_LINKED), 'gst_pad_unlink on a freed pad'],
    ['caps that cannot link: not the race', runOf('', NOT_NEGOTIATED), undefined],
    ['a clean run', runOf('Setting pipeline to NULL ...\n', ''), undefined],
  ];
  for (const [name, r, want] of cases) it(name, () => assert.equal(gstLinkRaced(r), want));
});
