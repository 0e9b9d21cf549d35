/**
 * The engine of `inspect`: a bounded reader with the decoder's bounds, limits and errors that
 * records one node per field it reads.
 *
 * @packageDocumentation
 */
import { VAL } from './codes.js';
import { ClaspDecodeError, prettyByte } from './errors.js';
import type { InspectNode } from './inspect-types.js';
import type { Limits } from './limits.js';
import { utf8Decode } from './utf8.js';

const VALUE_TYPE_NAMES = ['null', 'bool', 'i8', 'i16', 'i32', 'i64', 'f32', 'f64', 'string', 'bytes', 'array', 'map'] as const;

/** Wire-type name of a value type code (`f64`, `string`, `map`, …), or `unknown(0xNN)`. */
export function valueTypeName(code: number): string {
  return VALUE_TYPE_NAMES[code] ?? `unknown(${prettyByte(code)})`;
}

/** @internal A bounded reader that records one {@link InspectNode} per field it reads. */
export class Tracer {
  pos = 0;
  end: number;
  readonly view: DataView;
  readonly root: InspectNode;
  private readonly open: InspectNode[];

  constructor(readonly bytes: Uint8Array, readonly limits: Limits) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
    this.root = { name: 'frame', wireType: 'frame', start: 0, end: bytes.length, children: [] };
    this.open = [this.root];
  }

  /** Adds a finished node to the innermost open group. */
  add(node: InspectNode): InspectNode {
    (this.open[this.open.length - 1] as InspectNode).children?.push(node);
    return node;
  }

  /** Runs `body` inside a group node spanning what it reads. */
  group<R>(name: string, wireType: string, body: (node: InspectNode) => R): R {
    const node = this.add({ name, wireType, start: this.pos, end: this.pos, children: [] });
    this.open.push(node);
    const result = body(node);
    this.open.pop();
    node.end = this.pos;
    return result;
  }

  /** Closes every open group at the current position (after an error). */
  closeAll(): void {
    for (const node of this.open) if (node !== this.root) node.end = Math.max(node.start, this.pos);
  }

  need(n: number): void {
    if (this.pos + n > this.end) {
      throw new ClaspDecodeError('truncated', `needed ${n} bytes, have ${Math.max(0, this.end - this.pos)}`, this.pos);
    }
  }

  private leaf<V>(name: string, wireType: string, size: number, read: (at: number) => V): V {
    this.need(size);
    const value = read(this.pos);
    this.add({ name, wireType, value, start: this.pos, end: this.pos + size });
    this.pos += size;
    return value;
  }

  /** A u8 whose node value is `decode(byte)` (an enum name); returns the raw byte. */
  u8As(name: string, decode: (byte: number) => unknown): number {
    this.need(1);
    const byte = this.bytes[this.pos] as number;
    this.add({ name, wireType: 'u8', value: decode(byte), start: this.pos, end: this.pos + 1 });
    this.pos++;
    return byte;
  }

  u8(name: string): number { return this.leaf(name, 'u8', 1, (at) => this.bytes[at] as number); }
  u16(name: string): number { return this.leaf(name, 'u16', 2, (at) => this.view.getUint16(at)); }
  u32(name: string): number { return this.leaf(name, 'u32', 4, (at) => this.view.getUint32(at)); }
  u64(name: string): bigint { return this.leaf(name, 'u64', 8, (at) => this.view.getBigUint64(at)); }
  f64(name: string): number { return this.leaf(name, 'f64', 8, (at) => this.view.getFloat64(at)); }

  /** A flags byte with one child per named bit field `[name, mask, decode?]`. */
  flags(name: string, fields: readonly (readonly [string, number, ((bits: number) => unknown)?])[]): number {
    this.need(1);
    const at = this.pos;
    const byte = this.bytes[at] as number;
    const children = fields.map(([field, mask, decode]): InspectNode => {
      const bits = byte & mask;
      return { name: field, wireType: 'bits', value: decode ? decode(bits) : bits !== 0, start: at, end: at + 1 };
    });
    this.add({ name, wireType: 'u8', value: byte, start: at, end: at + 1, children });
    this.pos++;
    return byte;
  }

  /** A `str`: u16 length + strict UTF-8, as a node with `length` and `utf8` children. */
  str(name: string): string {
    return this.group(name, 'str', (node) => {
      const len = this.u16('length');
      this.need(len);
      const s = utf8Decode(this.bytes, this.pos, this.pos + len);
      if (s === undefined) throw new ClaspDecodeError('bad-utf8', 'string is not valid UTF-8', this.pos);
      this.add({ name: 'utf8', wireType: 'utf8', value: s, start: this.pos, end: this.pos + len });
      this.pos += len;
      node.value = s;
      return s;
    });
  }

  /** A u16 count of items of at least `minItemBytes` each, refused when the bytes left cannot hold them. */
  count(name: string, minItemBytes: number): number {
    const at = this.pos;
    const n = this.u16(name);
    if (n * minItemBytes > this.end - this.pos) {
      throw new ClaspDecodeError('truncated', `count ${n} needs at least ${n * minItemBytes} bytes, have ${this.end - this.pos}`, at);
    }
    return n;
  }

  /** A `tv` value: type byte + data. */
  tv(name: string, depth: number): void {
    this.need(1);
    const type = this.bytes[this.pos] as number;
    this.group(name, valueTypeName(type), (node) => {
      this.add({ name: 'type', wireType: 'u8', value: valueTypeName(type), start: this.pos, end: this.pos + 1 });
      this.pos++;
      this.valueData(node, type, depth, node.start);
    });
  }

  /** Value data of `type` into `node` (SET passes a node whose type code sits in its flags). */
  valueData(node: InspectNode, type: number, depth: number, typeAt: number): void {
    const scalar = (wireType: string, size: number, read: (at: number) => unknown): void => {
      node.value = this.leaf('data', wireType, size, read);
    };
    switch (type) {
      case VAL.NULL: node.value = null; return;
      case VAL.BOOL: scalar('u8', 1, (at) => this.bytes[at] !== 0); return;
      case VAL.I8: scalar('i8', 1, (at) => BigInt(this.view.getInt8(at))); return;
      case VAL.I16: scalar('i16', 2, (at) => BigInt(this.view.getInt16(at))); return;
      case VAL.I32: scalar('i32', 4, (at) => BigInt(this.view.getInt32(at))); return;
      case VAL.I64: scalar('i64', 8, (at) => this.view.getBigInt64(at)); return;
      case VAL.F32: scalar('f32', 4, (at) => this.view.getFloat32(at)); return;
      case VAL.F64: scalar('f64', 8, (at) => this.view.getFloat64(at)); return;
      case VAL.STRING: node.value = this.str('string'); return;
      case VAL.BYTES: {
        const len = this.u16('length');
        node.value = this.leaf('bytes', 'bytes', len, (at) => this.bytes.slice(at, at + len));
        return;
      }
      case VAL.ARRAY: {
        this.checkDepth(depth + 1, typeAt);
        const n = this.count('count', 1);
        for (let i = 0; i < n; i++) this.tv(`[${i}]`, depth + 1);
        return;
      }
      case VAL.MAP: {
        this.checkDepth(depth + 1, typeAt);
        const n = this.count('count', 3);
        for (let i = 0; i < n; i++) {
          this.group(`{${i}}`, 'entry', (entry) => {
            entry.name = this.str('key');
            this.tv('value', depth + 1);
          });
        }
        return;
      }
      default:
        throw new ClaspDecodeError('unknown-value-type', `unknown value type ${prettyByte(type)}`, typeAt, type);
    }
  }

  private checkDepth(depth: number, at: number): void {
    if (depth > this.limits.maxDepth) {
      throw new ClaspDecodeError('limit-exceeded', `values nested deeper than maxDepth ${this.limits.maxDepth}`, at);
    }
  }
}
