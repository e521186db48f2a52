/**
 * A tiny WebAssembly binary writer for test apps (no toolchain needed): just the sections and
 * instructions the WASI test apps use.
 */

const I32 = 0x7f;
const I64 = 0x7e;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** Instructions. */
export const op = {
  i32: (v: number) => [0x41, ...sleb(BigInt(v))],
  i64: (v: bigint) => [0x42, ...sleb(v)],
  call: (f: number) => [0x10, ...uleb(f)],
  drop: [0x1a],
  select: [0x1b],
  eqz: [0x45],
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  store: [0x36, 0x02, 0x00],
  load: [0x28, 0x02, 0x00],
  loop: [0x03, 0x40],
  br: (d: number) => [0x0c, ...uleb(d)],
  end: [0x0b],
};

interface WasiImport {
  field: string;
  params: number[];
  results: number[];
}

const WASI: Record<string, WasiImport> = {
  fd_write: { field: "fd_write", params: [I32, I32, I32, I32], results: [I32] },
  path_open: {
    field: "path_open",
    params: [I32, I32, I32, I32, I32, I64, I64, I32, I32],
    results: [I32],
  },
  proc_exit: { field: "proc_exit", params: [I32], results: [] },
};

/** Function indices of the imports, in this order, followed by _start. */
export const FN = { fd_write: 0, path_open: 1, proc_exit: 2 } as const;

/** A WASI command module: the three imports above, one page of memory, `_start` = `code`. */
export function wasiModule(code: number[][], data: Array<[number, string]>, locals = 1): Buffer {
  const imports = Object.values(WASI);
  const types = [
    ...imports.map((i) => [
      0x60,
      ...vec(i.params.map((p) => [p])),
      ...vec(i.results.map((r) => [r])),
    ]),
    [0x60, 0x00, 0x00],
  ];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(
      2,
      vec(
        imports.map((i, t) => [
          ...name("wasi_snapshot_preview1"),
          ...name(i.field),
          0x00,
          ...uleb(t),
        ]),
      ),
    ),
    ...section(3, vec([uleb(imports.length)])),
    ...section(5, vec([[0x00, 0x01]])),
    ...section(
      7,
      vec([
        [...name("memory"), 0x02, 0x00],
        [...name("_start"), 0x00, ...uleb(imports.length)],
      ]),
    ),
    ...section(
      10,
      vec([withSize([...vec(locals ? [[...uleb(locals), I32]] : []), ...code.flat(), ...op.end])]),
    ),
    ...section(11, vec(data.map(([at, s]) => [0x00, ...op.i32(at), ...op.end, ...name(s)]))),
  ];
  return Buffer.from(bytes);
}

function withSize(body: number[]): number[] {
  return [...uleb(body.length), ...body];
}

/**
 * Tries to open `path` relative to /in (preopen fd 3), then writes "OPENED\n" or "REFUSED\n" to
 * /out/result.txt (preopen fd 4).
 */
export function openProbeWasiApp(path: string): Buffer {
  return wasiModule(
    [
      [
        ...op.i32(3),
        ...op.i32(0),
        ...op.i32(1024),
        ...op.i32(Buffer.byteLength(path)),
        ...op.i32(0),
      ],
      [...op.i64(2n), ...op.i64(0n), ...op.i32(0), ...op.i32(600), ...op.call(FN.path_open)],
      op.localSet(0),
      [
        ...op.i32(300),
        ...op.i32(420),
        ...op.i32(400),
        ...op.localGet(0),
        ...op.eqz,
        ...op.select,
        ...op.store,
      ],
      [
        ...op.i32(304),
        ...op.i32(7),
        ...op.i32(8),
        ...op.localGet(0),
        ...op.eqz,
        ...op.select,
        ...op.store,
      ],
      [...op.i32(4), ...op.i32(0), ...op.i32(100), ...op.i32(10), ...op.i32(9)],
      [
        ...op.i64(64n),
        ...op.i64(0n),
        ...op.i32(0),
        ...op.i32(200),
        ...op.call(FN.path_open),
        ...op.drop,
      ],
      [
        ...op.i32(200),
        ...op.load,
        ...op.i32(300),
        ...op.i32(1),
        ...op.i32(500),
        ...op.call(FN.fd_write),
        ...op.drop,
      ],
      [...op.i32(0), ...op.call(FN.proc_exit)],
    ],
    [
      [100, "result.txt"],
      [400, "REFUSED\n"],
      [420, "OPENED\n"],
      [1024, path],
    ],
  );
}

/** `_start` loops forever. */
export function spinWasiApp(): Buffer {
  return wasiModule([op.loop, op.br(0), op.end], [], 0);
}
