export { RpiCameraSource, type RpiCameraSourceOptions } from './rpicamera-source.ts';
