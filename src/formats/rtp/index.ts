export { parseRtpPacket, buildRtpPacket, RtpParseError, type RtpPacket, type RtpPacketInit } from './rtp-packet.ts';
export { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';
export { H264Packetizer, H264Depacketizer, H264RtpError, type H264AccessUnit } from './h264-rtp.ts';
export { Mpeg4AudioPacketizer, Mpeg4AudioDepacketizer, Mpeg4AudioRtpError } from './mpeg4-audio-rtp.ts';
export { H265Packetizer, H265Depacketizer, H265RtpError, type H265AccessUnit } from './h265-rtp.ts';
