import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The Raspberry Pi OS camera tools that record video, newest name first (libcamera-vid before Bookworm). */
export const RPICAM_EXECUTABLES = ['rpicam-vid', 'libcamera-vid'] as const;

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false; // absent, not executable or unreadable: not a candidate
  }
}

/** The full path of the first camera tool found on `searchPath` (a PATH value), or undefined. */
export function findRpicamExecutable(searchPath: string | undefined): string | undefined {
  const dirs = (searchPath ?? '').split(delimiter).filter((d) => d !== '');
  for (const name of RPICAM_EXECUTABLES) {
    for (const dir of dirs) {
      const file = join(dir, name);
      if (isExecutableFile(file)) return file;
    }
  }
  return undefined;
}
