/**
 * The werift side of the WebRTC server, in one module that werift-loader.ts imports on first use: werift and its
 * dependencies hold ~35 MiB of an idle process's memory, and most servers never see a WebRTC session.
 */
export { weriftPeerFactory } from './werift-peer.ts';
