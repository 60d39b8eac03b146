// Runs flite.wasm once through a minimal in-memory WASI (preview1): no node:wasi, no files on disk.
//
// node:wasi's native instances abort the process when the GC frees one while another runs
// (~WASI → uv_mutex_destroy), and need a real folder for the WAV. flite.wasm imports only 13
// WASI calls; here they are plain JavaScript over byte arrays: stdout is captured, input files are
// given as bytes, and files flite creates stay in memory.

const ERRNO = { SUCCESS: 0, BADF: 8, INVAL: 28, NOENT: 44, SPIPE: 70 } as const;
const FILETYPE = { CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4 } as const;
const OFLAGS_CREAT = 1;
/** The one preopened folder, fd 3: flite's paths are relative to it. */
export const WASI_DIR = '/work';
const DIR_FD = 3;

interface WasiRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Files the program created, by path relative to WASI_DIR. */
  files: Map<string, Uint8Array>;
}

interface OpenFile {
  name: string;
  data: Uint8Array;
  length: number;
  position: number;
  input: boolean;
}

class ProcExit {
  constructor(readonly code: number) {}
}

/** One run's state: the program's memory, its open files, the files it made, and its output. */
class WasiState {
  memory?: { buffer: ArrayBuffer };
  readonly open = new Map<number, OpenFile>();
  readonly files = new Map<string, Uint8Array>();
  readonly stdout: Uint8Array[] = [];
  readonly stderr: Uint8Array[] = [];
  nextFd = DIR_FD + 1;

  constructor(readonly inputs: Map<string, Uint8Array>) {}

  view(): DataView {
    return new DataView(this.memory!.buffer);
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.memory!.buffer);
  }

  /** Keeps an output file's bytes under its name. */
  keep(file: OpenFile): void {
    if (!file.input) this.files.set(file.name, file.data.subarray(0, file.length));
  }
}

function write(file: OpenFile, chunk: Uint8Array): void {
  const end = file.position + chunk.length;
  if (end > file.data.length) {
    const grown = new Uint8Array(Math.max(end, file.data.length * 2));
    grown.set(file.data.subarray(0, file.length));
    file.data = grown;
  }
  file.data.set(chunk, file.position);
  file.position = end;
  file.length = Math.max(file.length, end);
}

/** The program's arguments, the clock and its exit. */
function processCalls(state: WasiState, args: string[]) {
  const encoder = new TextEncoder();
  const argBytes = args.map((a) => encoder.encode(`${a}\0`));
  return {
    args_sizes_get(countPtr: number, sizePtr: number): number {
      state.view().setUint32(countPtr, argBytes.length, true);
      state.view().setUint32(sizePtr, argBytes.reduce((n, b) => n + b.length, 0), true);
      return ERRNO.SUCCESS;
    },
    args_get(argvPtr: number, bufPtr: number): number {
      let at = bufPtr;
      argBytes.forEach((arg, i) => {
        state.view().setUint32(argvPtr + 4 * i, at, true);
        state.bytes().set(arg, at);
        at += arg.length;
      });
      return ERRNO.SUCCESS;
    },
    clock_time_get(_id: number, _precision: bigint, timePtr: number): number {
      state.view().setBigUint64(timePtr, process.hrtime.bigint(), true);
      return ERRNO.SUCCESS;
    },
    proc_exit(code: number): never {
      throw new ProcExit(code);
    },
  };
}

/** The preopened folder and the files in it: status, open and close. */
function descriptorCalls(state: WasiState) {
  const dirName = new TextEncoder().encode(WASI_DIR);
  return {
    fd_close(fd: number): number {
      const file = state.open.get(fd);
      if (!file) return ERRNO.BADF;
      state.keep(file);
      state.open.delete(fd);
      return ERRNO.SUCCESS;
    },
    fd_fdstat_get(fd: number, statPtr: number): number {
      const type = fd <= 2 ? FILETYPE.CHARACTER_DEVICE : fd === DIR_FD ? FILETYPE.DIRECTORY : state.open.has(fd) ? FILETYPE.REGULAR_FILE : 0;
      if (!type) return ERRNO.BADF;
      const v = state.view();
      v.setUint8(statPtr, type);
      v.setUint16(statPtr + 2, 0, true);
      v.setBigUint64(statPtr + 8, 0xffff_ffffn, true);
      v.setBigUint64(statPtr + 16, 0xffff_ffffn, true);
      return ERRNO.SUCCESS;
    },
    fd_fdstat_set_flags: (): number => ERRNO.SUCCESS,
    fd_prestat_get(fd: number, prestatPtr: number): number {
      if (fd !== DIR_FD) return ERRNO.BADF;
      state.view().setUint8(prestatPtr, 0);
      state.view().setUint32(prestatPtr + 4, dirName.length, true);
      return ERRNO.SUCCESS;
    },
    fd_prestat_dir_name(fd: number, pathPtr: number, length: number): number {
      if (fd !== DIR_FD) return ERRNO.BADF;
      state.bytes().set(dirName.subarray(0, length), pathPtr);
      return ERRNO.SUCCESS;
    },
    path_open(dirFd: number, _dirFlags: number, pathPtr: number, pathLength: number, oflags: number, _rightsBase: bigint, _rightsInheriting: bigint, _fdFlags: number, fdPtr: number): number {
      if (dirFd !== DIR_FD) return ERRNO.BADF;
      const name = new TextDecoder().decode(state.bytes().slice(pathPtr, pathPtr + pathLength));
      const input = state.inputs.get(name);
      if (!input && !(oflags & OFLAGS_CREAT)) return ERRNO.NOENT;
      const fd = state.nextFd++;
      state.open.set(fd, input ? { name, data: input, length: input.length, position: 0, input: true } : { name, data: new Uint8Array(1 << 16), length: 0, position: 0, input: false });
      state.view().setUint32(fdPtr, fd, true);
      return ERRNO.SUCCESS;
    },
  };
}

/** Reading, seeking and writing: stdout and stderr captured, files in memory. */
function ioCalls(state: WasiState) {
  return {
    fd_read(fd: number, iovs: number, iovsLength: number, readPtr: number): number {
      const file = state.open.get(fd);
      const v = state.view();
      let total = 0;
      for (let i = 0; file && i < iovsLength; i++) {
        const ptr = v.getUint32(iovs + 8 * i, true);
        const want = v.getUint32(iovs + 8 * i + 4, true);
        const got = Math.min(want, file.length - file.position);
        state.bytes().set(file.data.subarray(file.position, file.position + got), ptr);
        file.position += got;
        total += got;
        if (got < want) break;
      }
      v.setUint32(readPtr, total, true);
      return fd <= 2 || file ? ERRNO.SUCCESS : ERRNO.BADF;
    },
    fd_seek(fd: number, offset: bigint, whence: number, positionPtr: number): number {
      const file = state.open.get(fd);
      if (!file) return fd <= 2 ? ERRNO.SPIPE : ERRNO.BADF;
      const base = whence === 0 ? 0 : whence === 1 ? file.position : file.length;
      const position = base + Number(offset);
      if (position < 0) return ERRNO.INVAL;
      file.position = position;
      state.view().setBigUint64(positionPtr, BigInt(position), true);
      return ERRNO.SUCCESS;
    },
    fd_write(fd: number, iovs: number, iovsLength: number, writtenPtr: number): number {
      const v = state.view();
      const file = state.open.get(fd);
      if (fd > 2 && !file) return ERRNO.BADF;
      let total = 0;
      for (let i = 0; i < iovsLength; i++) {
        const ptr = v.getUint32(iovs + 8 * i, true);
        const length = v.getUint32(iovs + 8 * i + 4, true);
        const chunk = state.bytes().slice(ptr, ptr + length);
        if (fd === 1) state.stdout.push(chunk);
        else if (fd === 2) state.stderr.push(chunk);
        else write(file!, chunk);
        total += length;
      }
      v.setUint32(writtenPtr, total, true);
      return ERRNO.SUCCESS;
    },
  };
}

/** Instantiates the module afresh (its C runtime runs once per instance) and runs `_start`. */
export function runWasi(module: WebAssembly.Module, args: string[], inputs: Map<string, Uint8Array> = new Map()): WasiRun {
  const state = new WasiState(inputs);
  const imports = { ...processCalls(state, args), ...descriptorCalls(state), ...ioCalls(state) };
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: imports });
  state.memory = instance.exports.memory as unknown as { buffer: ArrayBuffer };
  let exitCode = 0;
  try {
    (instance.exports._start as () => void)();
  } catch (error) {
    if (!(error instanceof ProcExit)) throw error;
    exitCode = error.code;
  }
  for (const file of state.open.values()) state.keep(file);
  const text = (parts: Uint8Array[]) => Buffer.concat(parts).toString('utf8');
  return { exitCode, stdout: text(state.stdout), stderr: text(state.stderr), files: state.files };
}
