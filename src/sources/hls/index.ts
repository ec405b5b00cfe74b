export { HlsSource } from './hls-source.ts';
