export { PprofServer, type PprofServerOptions } from './pprof-server.ts';
export { cpuProfileToPprof, heapProfileToPprof, type CpuProfileOptions, type HeapProfileOptions } from './v8-to-pprof.ts';
export { PprofProfile, type PprofFrame, type PprofHeader, type PprofValueType } from './pprof-profile.ts';
