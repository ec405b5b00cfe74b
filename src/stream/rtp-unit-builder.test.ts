import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { H264Packetizer, h264Format, parseRtpPacket } from '../formats/index.ts';
import { RtpUnitBuilder } from './rtp-unit-builder.ts';

const sps = Buffer.from('6742c01e95a0508a', 'hex');
const pps = Buffer.from('68ce3c80', 'hex');
const format = h264Format(96, sps, pps);
const idr = Buffer.concat([Buffer.from([0x65]), Buffer.alloc(5000, 7)]);
const slice = Buffer.concat([Buffer.from([0x41]), Buffer.alloc(300, 9)]);

describe('RtpUnitBuilder', () => {
  it('forwards every packet untouched and attaches completed H264 access units', () => {
    const b = new RtpUnitBuilder(format, 1472);
    const packets = new H264Packetizer(96, 1400).packetize([idr], 9000);
    const units = packets.flatMap((p) => b.push(parseRtpPacket(p.raw), new Date()).units);
    assert.deepEqual(units.flatMap((u) => u.rtpPackets ?? []).map((p) => p.raw), packets.map((p) => p.raw));
    const au = units.find((u) => u.payload !== undefined)!;
    assert.deepEqual(au.payload, [idr]);
    assert.equal(au.randomAccess, true);
  });

  it('re-packetizes to the size limit once a packet exceeds it, and stays so', () => {
    const b = new RtpUnitBuilder(format, 1000);
    const big = new H264Packetizer(96, 4000).packetize([idr], 9000);
    const out1 = big.flatMap((p) => b.push(parseRtpPacket(p.raw), new Date()).units);
    const sent1 = out1.flatMap((u) => u.rtpPackets ?? []);
    assert.ok(sent1.length >= 6 && sent1.every((p) => p.raw.length <= 1000), `sizes ${sent1.map((p) => p.raw.length).join(',')}`);
    // A small access unit afterwards is re-packetized too (one sequence numbering for readers).
    const small = new H264Packetizer(96, 4000).packetize([slice], 12000);
    const sent2 = small.flatMap((p) => b.push(parseRtpPacket(p.raw), new Date()).units).flatMap((u) => u.rtpPackets ?? []);
    assert.equal(sent2.length, 1);
    assert.equal(sent2[0]!.sequenceNumber, (sent1[sent1.length - 1]!.sequenceNumber + 1) & 0xffff);
    assert.equal(sent2[0]!.timestamp, 12000);
  });
});
