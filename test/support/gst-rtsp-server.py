#!/usr/bin/python3
"""GStreamer's RTSP server (gst-rtsp-server through GObject introspection) as an upstream for source tests.

Serves a live H264 test pattern (one pipeline per client) (25 fps, a key frame every second) at rtsp://ADDRESS:PORT/cam on the
lower transports asked for, multicast from a group of 239.255.42.0/28 when udp-mcast is among them. Prints
"READY <port>" once it listens and exits by itself after --max-seconds. Needs /usr/bin/python3 (Debian's, with gi),
python3-gi and gir1.2-gst-rtsp-server-1.0 (scripts/ensure-clients.sh installs them).
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--address", default="127.0.0.1")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--protocols", default="tcp,udp,udp-mcast", help="comma list of tcp, udp, udp-mcast")
parser.add_argument("--max-seconds", type=int, default=600)
args = parser.parse_args()

LOWER = {"tcp": GstRtsp.RTSPLowerTrans.TCP, "udp": GstRtsp.RTSPLowerTrans.UDP, "udp-mcast": GstRtsp.RTSPLowerTrans.UDP_MCAST}
wanted = [p for p in args.protocols.split(",") if p]

Gst.init(None)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=25/1 "
    "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 ! video/x-h264,profile=baseline "
    "! rtph264pay name=pay0 pt=96 config-interval=1 )"
)
# One pipeline for every client, as a camera has: the proxy's reconnections find the stream already running.
# One pipeline per client: with a shared media, clients that set up TCP and UDP/multicast at the same moment
# sometimes get 503 from PLAY on (gst-rtsp-server 1.22), depending on which came first.
factory.set_shared(False)
protocols = LOWER[wanted[0]]
for p in wanted[1:]:
    protocols |= LOWER[p]
factory.set_protocols(protocols)
if "udp-mcast" in wanted:
    pool = GstRtspServer.RTSPAddressPool()
    pool.add_range("239.255.42.1", "239.255.42.14", 5100, 5199, 1)
    factory.set_address_pool(pool)

server = GstRtspServer.RTSPServer()
server.set_address(args.address)
server.set_service(str(args.port))
server.get_mount_points().add_factory("/cam", factory)
if server.attach(None) == 0:
    print(f"cannot listen on {args.address}:{args.port}", file=sys.stderr, flush=True)
    sys.exit(1)
loop = GLib.MainLoop()
GLib.timeout_add_seconds(args.max_seconds, loop.quit)
print(f"READY {args.port}", flush=True)
loop.run()
