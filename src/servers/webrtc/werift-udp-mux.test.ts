import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeriftUdpMux, type WeriftUdpTransportClass } from './werift-udp-mux.ts';

type Init = WeriftUdpTransportClass['init'];

/** A stand-in for werift's UdpTransport class: its factory says which one made a transport. */
function fakeTransportClass(): { cls: WeriftUdpTransportClass; own: Init } {
  const own = (async () => 'werift') as unknown as Init;
  return { cls: { init: own }, own };
}

describe('WeriftUdpMux.attach (werift pointed at the shared socket on the first session)', () => {
  it('leaves werift alone until attached, then gives werift its own factory back on close', async () => {
    const { cls, own } = fakeTransportClass();
    const mux = await WeriftUdpMux.open('127.0.0.1:0');
    assert.equal(cls.init, own);
    mux.attach(cls);
    assert.notEqual(cls.init, own);
    const t = await cls.init('udp4') as unknown as { port: number };
    assert.equal(t.port, mux.port, 'ICE gathers on the shared port');
    assert.equal(await cls.init('udp4', { port: 5000 } as never) as unknown, 'werift', 'a fixed port is werift\'s own');
    mux.close();
    assert.equal(cls.init, own);
  });

  it('does not attach once closed (a session that loaded werift as the server closed)', async () => {
    const { cls, own } = fakeTransportClass();
    const mux = await WeriftUdpMux.open('127.0.0.1:0');
    mux.close();
    mux.attach(cls);
    assert.equal(cls.init, own);
  });

  it('with two muxes attached in turn (a reload), closing them in either order ends on werift\'s factory', async () => {
    for (const order of [[0, 1], [1, 0]]) {
      const { cls, own } = fakeTransportClass();
      const muxes = [await WeriftUdpMux.open('127.0.0.1:0'), await WeriftUdpMux.open('127.0.0.1:0')];
      for (const m of muxes) m.attach(cls);
      const t = await cls.init('udp4') as unknown as { port: number };
      assert.equal(t.port, muxes[1]!.port, 'the newest mux takes the sessions');
      muxes[order[0]!]!.close();
      if (order[0] === 0) assert.equal((await cls.init('udp4') as unknown as { port: number }).port, muxes[1]!.port, 'the open mux keeps them');
      // Closing the newer one first (not what a reload does: it closes the old server before opening the new one)
      // leaves the older one open but unused: sessions fall back to werift's own sockets.
      else assert.equal(await cls.init('udp4') as unknown, 'werift');
      muxes[order[1]!]!.close();
      assert.equal(cls.init, own, `closed in order ${order.join(', ')}`);
    }
  });
});
