export { parseRtpPacket, buildRtpPacket, RtpParseError, type RtpPacket, type RtpPacketInit } from './rtp-packet.ts';
