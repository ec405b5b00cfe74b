import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathConf } from '../../../test/support/source-context.ts';
import { rpicamArgs, unsupportedRpiCameraKeys } from './rpicam-args.ts';

const FIXED = ['--nopreview', '-t', '0', '--codec', 'h264', '--inline', '--flush', '--verbose', '0', '-o', '-'];
const DEFAULTS = [
  '--camera', '0', '--width', '1920', '--height', '1080', '--denoise', 'off',
  '--framerate', '30', '--intra', '60', '--bitrate', '1000000', '--profile', 'main', '--level', '4.1',
];

/** Config lines under the path → options after the fixed ones, in the order rpicamArgs gives them. */
const VECTORS: readonly { yaml: string; args: string[] }[] = [
  { yaml: '', args: DEFAULTS },
  { yaml: 'rpiCameraCamID: 1\nrpiCameraWidth: 1280\nrpiCameraHeight: 720', args: ['--camera', '1', '--width', '1280', '--height', '720', ...DEFAULTS.slice(6)] },
  { yaml: 'rpiCameraHFlip: yes\nrpiCameraVFlip: yes', args: [...DEFAULTS.slice(0, 6), '--hflip', '--vflip', ...DEFAULTS.slice(6)] },
  {
    yaml: 'rpiCameraBrightness: 0.2\nrpiCameraContrast: 1.5\nrpiCameraSaturation: 0.5\nrpiCameraSharpness: 2\nrpiCameraExposure: long\nrpiCameraAWB: daylight',
    args: [...DEFAULTS.slice(0, 6), '--brightness', '0.2', '--contrast', '1.5', '--saturation', '0.5', '--sharpness', '2', '--exposure', 'long', '--awb', 'daylight', ...DEFAULTS.slice(6)],
  },
  {
    yaml: 'rpiCameraDenoise: cdn_hq\nrpiCameraShutter: 10000\nrpiCameraMetering: spot\nrpiCameraGain: 2.5\nrpiCameraEV: -1.5',
    args: [...DEFAULTS.slice(0, 6), '--denoise', 'cdn_hq', '--shutter', '10000', '--metering', 'spot', '--gain', '2.5', '--ev', '-1.5', ...DEFAULTS.slice(8)],
  },
  {
    yaml: 'rpiCameraROI: 0.1,0.1,0.5,0.5\nrpiCameraTuningFile: /usr/share/libcamera/ipa/rpi/vc4/imx219_noir.json\nrpiCameraMode: 1920:1080:10:P',
    args: [...DEFAULTS.slice(0, 8), '--roi', '0.1,0.1,0.5,0.5', '--tuning-file', '/usr/share/libcamera/ipa/rpi/vc4/imx219_noir.json', '--mode', '1920:1080:10:P', ...DEFAULTS.slice(8)],
  },
  {
    yaml: 'rpiCameraFPS: 15\nrpiCameraIDRPeriod: 30\nrpiCameraBitrate: 4000000\nrpiCameraProfile: high\nrpiCameraLevel: "4.0"',
    args: [...DEFAULTS.slice(0, 8), '--framerate', '15', '--intra', '30', '--bitrate', '4000000', '--profile', 'high', '--level', '4'],
  },
  {
    yaml: 'rpiCameraAfMode: manual\nrpiCameraAfRange: macro\nrpiCameraAfSpeed: fast\nrpiCameraLensPosition: 2.5\nrpiCameraAfWindow: 0.25,0.25,0.5,0.5',
    args: [...DEFAULTS, '--autofocus-mode', 'manual', '--autofocus-range', 'macro', '--autofocus-speed', 'fast', '--lens-position', '2.5', '--autofocus-window', '0.25,0.25,0.5,0.5'],
  },
  { yaml: 'rpiCameraAfMode: continuous\nrpiCameraLensPosition: 2.5', args: [...DEFAULTS, '--autofocus-mode', 'continuous'] },
  { yaml: 'rpiCameraTextOverlayEnable: yes\nrpiCameraTextOverlay: hello', args: DEFAULTS },
];

describe('rpicamArgs', () => {
  for (const v of VECTORS) {
    it(`maps ${v.yaml === '' ? 'the defaults' : v.yaml.replace(/\n/g, ', ')}`, () => {
      assert.deepEqual(rpicamArgs(pathConf('rpiCamera', v.yaml)), [...FIXED, ...v.args]);
    });
  }

  it('names the text overlay keys as having no option, only when the overlay is on', () => {
    assert.deepEqual(unsupportedRpiCameraKeys(pathConf('rpiCamera', 'rpiCameraTextOverlayEnable: yes')), ['rpiCameraTextOverlayEnable', 'rpiCameraTextOverlay']);
    assert.deepEqual(unsupportedRpiCameraKeys(pathConf('rpiCamera', 'rpiCameraTextOverlay: hello')), []);
  });
});
