export { UdpSource } from './udp-source.ts';
