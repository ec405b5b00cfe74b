export { FANOUT_LOAD_ENV, FANOUT_SHARDS_ENV, fanoutMinLoad, fanoutShardCount } from './shard-count.ts';
export { loopBusy } from './loop-load.ts';
export { ShardPool, ShardFeed, loaderArgs, type ShardPoolOptions, type ShardSeat } from './shard-pool.ts';
export { RemoteSocket } from './remote-socket.ts';
export type { ShardReaderLimits } from './shard-wire.ts';
export { detachSocket } from './detach-socket.ts';
