#!/usr/bin/env bash
# Makes sure the real clients the e2e suite drives are installed. As root (`npm test`, or `sudo npm test` for
# other users) it installs what is missing with apt; otherwise it prints the exact command and fails.
set -euo pipefail
PACKAGES="ffmpeg gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-rtsp vlc-bin vlc-plugin-base iproute2 procps openssl util-linux"
missing=0
for bin in ffmpeg ffprobe gst-launch-1.0 gst-inspect-1.0 cvlc ip unshare openssl; do
  command -v "$bin" >/dev/null 2>&1 || { echo "missing: $bin"; missing=1; }
done
if [ "$missing" = 0 ]; then
  for el in rtspclientsink rtspsrc x264enc avdec_h264 opusenc; do
    gst-inspect-1.0 "$el" >/dev/null 2>&1 || { echo "missing GStreamer element: $el"; missing=1; }
  done
fi
[ "$missing" = 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing real clients: $PACKAGES"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
  exit 0
fi
echo "The end-to-end tests need real clients. Install them with:" >&2
echo "  sudo apt-get install -y $PACKAGES" >&2
echo "or let the test command install them: as root: npm test; otherwise: sudo npm test" >&2
exit 1
