import { UserControlEvent, acknowledgementMessage, userControlMessage } from './control-messages.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';

/**
 * The receiving side's RTMP flow control, the same for a server connection and a client (RTMP spec §5.4.3, §7.1.7):
 * count the bytes read, acknowledge each window the peer asked for (or it stops sending), answer pings.
 */
export class RtmpFlowControl {
  /** Bytes read from the peer so far. */
  bytesReceived = 0;
  private lastAck = 0;
  private peerWindow = 0;

  /** Counts `n` bytes read from the socket. */
  received(n: number): void { this.bytesReceived += n; }

  /** The acknowledgement owed once a whole window was read since the last one. */
  ackDue(): RtmpMessage | undefined {
    if (this.peerWindow <= 0 || this.bytesReceived - this.lastAck < this.peerWindow) return undefined;
    this.lastAck = this.bytesReceived;
    return acknowledgementMessage(this.bytesReceived >>> 0);
  }

  /**
   * Takes a Window Acknowledgement Size or User Control message: true when `m` was one (it needs nothing more), with
   * the ping answer handed to `send`.
   */
  onControl(m: RtmpMessage, send: (reply: RtmpMessage) => void): boolean {
    if (m.type === RtmpMessageType.WindowAckSize) {
      if (m.body.length >= 4) this.peerWindow = m.body.readUInt32BE(0);
      return true;
    }
    if (m.type !== RtmpMessageType.UserControl) return false;
    if (m.body.length >= 6 && m.body.readUInt16BE(0) === UserControlEvent.PingRequest) send(userControlMessage(UserControlEvent.PingResponse, m.body.readUInt32BE(2)));
    return true;
  }
}
