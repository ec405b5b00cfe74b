export { parseRtpPacket, buildRtpPacket, RtpParseError, type RtpPacket, type RtpPacketInit } from './rtp-packet.ts';
export { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';
export { H264Packetizer, H264Depacketizer, H264RtpError, type H264AccessUnit } from './h264-rtp.ts';
export { Mpeg4AudioPacketizer, Mpeg4AudioDepacketizer, Mpeg4AudioRtpError } from './mpeg4-audio-rtp.ts';
export { H265Packetizer, H265Depacketizer, H265RtpError, type H265AccessUnit } from './h265-rtp.ts';
export { FramePacketizer, FrameDepacketizer, FrameRtpError, MAX_FRAME_BYTES, type FragmentFraming, type RtpFrame } from './frame-rtp.ts';
export { vp8Framing, vp8IsKeyFrame } from './vp8-rtp.ts';
export { vp9Framing, vp9IsKeyFrame } from './vp9-rtp.ts';
export { mpeg4VideoFraming, mpegAudioFraming, SamplesPacketizer, SamplesDepacketizer } from './simple-rtp.ts';
