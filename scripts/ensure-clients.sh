#!/usr/bin/env bash
# Makes sure the real clients the e2e suite drives are installed. As root (`npm test`, or `sudo npm test` for
# other users) it installs what is missing with apt; otherwise it prints the exact command and fails.
set -euo pipefail
PACKAGES="ffmpeg gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-rtsp vlc-bin vlc-plugin-base chromium iproute2 procps openssl util-linux nginx libnginx-mod-stream python3-gi gir1.2-gst-rtsp-server-1.0 coturn gcc libc6-dev"
missing=0
# gcc builds the optional UDP batching addon (scripts/build-native.sh), whose unit tests need it.
for bin in ffmpeg ffprobe gst-launch-1.0 gst-inspect-1.0 cvlc chromium ip unshare openssl turnserver gcc; do
  command -v "$bin" >/dev/null 2>&1 || { echo "missing: $bin"; missing=1; }
done
if [ "$missing" = 0 ]; then
  for el in rtspclientsink rtspsrc x264enc avdec_h264 opusenc hlsdemux souphttpsrc; do
    gst-inspect-1.0 "$el" >/dev/null 2>&1 || { echo "missing GStreamer element: $el"; missing=1; }
  done
fi
# Source tests: nginx's stream module is the scale-out load balancer; GStreamer's RTSP server (through Debian's
# python3 with gi) is an upstream.
[ -x /usr/sbin/nginx ] || { echo "missing: nginx"; missing=1; }
[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || { echo "missing: nginx stream module"; missing=1; }
/usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0")' >/dev/null 2>&1 || { echo "missing: GStreamer RTSP server for python3"; missing=1; }
[ "$missing" = 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing real clients: $PACKAGES"
  export DEBIAN_FRONTEND=noninteractive
  # Installing nginx must not start it (it would listen on :80 for good): a policy-rc.d that refuses service starts,
  # as Docker images have, for the time of the install.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
  exit 0
fi
echo "The end-to-end tests need real clients. Install them with:" >&2
echo "  sudo apt-get install -y $PACKAGES" >&2
echo "or let the test command install them: as root: npm test; otherwise: sudo npm test" >&2
exit 1
