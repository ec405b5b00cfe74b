import type { PathConf } from '../../conf/index.ts';

/** The path keys the camera reads (every `rpiCamera*` key of MediaMTX v0.22.2). */
export type RpiCameraConf = Pick<PathConf, Extract<keyof PathConf, `rpiCamera${string}`>>;

/**
 * What every run asks of the tool: H264 on stdout (`-o -`) with SPS and PPS before each IDR (`--inline`, so a
 * reader can join at any key frame), run until stopped (`-t 0`), no preview window, each frame written as soon as
 * it is encoded (`--flush`), and no per-frame status lines on stderr (`--verbose 0`).
 */
const FIXED_ARGS = ['--nopreview', '-t', '0', '--codec', 'h264', '--inline', '--flush', '--verbose', '0', '-o', '-'] as const;

// rpicam-apps spells level 4.0 as "4".
const level = (l: string): string => (l === '4.0' ? '4' : l);
// Numbers as the tool parses them (no exponent for the small floats of the config).
const num = (n: number): string => String(n);

/** One option whose value differs from the tool's own default, or which the config sets. */
interface Rule { readonly when: (c: RpiCameraConf) => boolean; readonly args: (c: RpiCameraConf) => string[] }
const always = (): boolean => true;

/**
 * Config key → rpicam-vid option. Options whose MediaMTX default differs from the tool's default (size, frame rate,
 * bitrate, IDR period, profile, level, denoise) are always passed; the others only when set away from the default,
 * so the tool's own behaviour applies otherwise, and an older libcamera-vid that lacks an option (autofocus came in
 * libcamera-apps 1.1) still starts with a configuration that does not use it.
 */
const RULES: readonly Rule[] = [
  { when: always, args: (c) => ['--camera', num(c.rpiCameraCamID)] },
  { when: always, args: (c) => ['--width', num(c.rpiCameraWidth), '--height', num(c.rpiCameraHeight)] },
  { when: (c) => c.rpiCameraHFlip, args: () => ['--hflip'] },
  { when: (c) => c.rpiCameraVFlip, args: () => ['--vflip'] },
  { when: (c) => c.rpiCameraBrightness !== 0, args: (c) => ['--brightness', num(c.rpiCameraBrightness)] },
  { when: (c) => c.rpiCameraContrast !== 1, args: (c) => ['--contrast', num(c.rpiCameraContrast)] },
  { when: (c) => c.rpiCameraSaturation !== 1, args: (c) => ['--saturation', num(c.rpiCameraSaturation)] },
  { when: (c) => c.rpiCameraSharpness !== 1, args: (c) => ['--sharpness', num(c.rpiCameraSharpness)] },
  { when: (c) => c.rpiCameraExposure !== 'normal', args: (c) => ['--exposure', c.rpiCameraExposure] },
  { when: (c) => c.rpiCameraAWB !== 'auto', args: (c) => ['--awb', c.rpiCameraAWB] },
  // MediaMTX defaults to no denoise, the tool to "auto".
  { when: always, args: (c) => ['--denoise', c.rpiCameraDenoise] },
  // 0 means automatic, for shutter and gain alike.
  { when: (c) => c.rpiCameraShutter > 0, args: (c) => ['--shutter', num(c.rpiCameraShutter)] },
  { when: (c) => c.rpiCameraMetering !== 'centre', args: (c) => ['--metering', c.rpiCameraMetering] },
  { when: (c) => c.rpiCameraGain > 0, args: (c) => ['--gain', num(c.rpiCameraGain)] },
  { when: (c) => c.rpiCameraEV !== 0, args: (c) => ['--ev', num(c.rpiCameraEV)] },
  { when: (c) => c.rpiCameraROI !== '', args: (c) => ['--roi', c.rpiCameraROI] },
  { when: (c) => c.rpiCameraTuningFile !== '', args: (c) => ['--tuning-file', c.rpiCameraTuningFile] },
  { when: (c) => c.rpiCameraMode !== '', args: (c) => ['--mode', c.rpiCameraMode] },
  { when: always, args: (c) => ['--framerate', num(c.rpiCameraFPS)] },
  { when: always, args: (c) => ['--intra', num(c.rpiCameraIDRPeriod)] },
  { when: always, args: (c) => ['--bitrate', num(c.rpiCameraBitrate)] },
  { when: always, args: (c) => ['--profile', c.rpiCameraProfile] },
  { when: always, args: (c) => ['--level', level(c.rpiCameraLevel)] },
  { when: (c) => c.rpiCameraAfMode !== 'auto', args: (c) => ['--autofocus-mode', c.rpiCameraAfMode] },
  { when: (c) => c.rpiCameraAfRange !== 'normal', args: (c) => ['--autofocus-range', c.rpiCameraAfRange] },
  { when: (c) => c.rpiCameraAfSpeed !== 'normal', args: (c) => ['--autofocus-speed', c.rpiCameraAfSpeed] },
  // As in MediaMTX, the lens position applies only to manual focus (the tool would switch to manual by itself).
  { when: (c) => c.rpiCameraAfMode === 'manual', args: (c) => ['--lens-position', num(c.rpiCameraLensPosition)] },
  { when: (c) => c.rpiCameraAfWindow !== '', args: (c) => ['--autofocus-window', c.rpiCameraAfWindow] },
];

/** The command-line options of rpicam-vid / libcamera-vid for a path's `rpiCamera*` keys. */
export function rpicamArgs(c: RpiCameraConf): string[] {
  const out: string[] = [...FIXED_ARGS];
  for (const r of RULES) if (r.when(c)) out.push(...r.args(c));
  return out;
}

/**
 * Keys the tool has no option for, with a value that asks for something: rpicam-vid has no text overlay (its
 * annotation stage needs a post-processing JSON file and an OpenCV build), so the overlay is not drawn.
 */
export function unsupportedRpiCameraKeys(c: RpiCameraConf): string[] {
  return c.rpiCameraTextOverlayEnable ? ['rpiCameraTextOverlayEnable', 'rpiCameraTextOverlay'] : [];
}
