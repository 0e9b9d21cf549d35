#!/usr/bin/env node
// Draws the extension's icons (extension/icons/icon-{16,32,48,128}.png): a white "C" with a dot
// (a frame on the wire) on a blue rounded square. Blue with white reads on Chrome's light and dark
// toolbars alike. Each size is drawn from the same shapes with 8×8 supersampling, and written as an
// 8-bit RGBA PNG with node:zlib only, so the output is the same bytes on every machine.
//
// Usage: node scripts/make-icons.mjs   (the PNGs are committed; run it after changing the drawing)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'extension', 'icons');
const SIZES = [16, 32, 48, 128];
const SUPER = 8;

const BLUE = [0x1f, 0x6f, 0xeb];
const WHITE = [0xff, 0xff, 0xff];

/** Coverage of the shapes at a point of the unit square: 'bg', 'glyph' or null (transparent). */
function shapeAt(x, y) {
  // Rounded square, corner radius 0.22.
  const r = 0.22;
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return null;
  // The "C": a ring around the centre, open on the right between −45° and 45°.
  const dx = x - 0.47;
  const dy = y - 0.5;
  const d = Math.hypot(dx, dy);
  const angle = Math.abs(Math.atan2(dy, dx));
  if (d >= 0.19 && d <= 0.34 && angle > Math.PI / 4) return 'glyph';
  // The dot inside the opening.
  if (Math.hypot(x - 0.66, y - 0.5) <= 0.085) return 'glyph';
  return 'bg';
}

/** RGBA pixels of one icon size, each pixel the average of SUPER×SUPER samples. */
function draw(size) {
  const px = new Uint8Array(size * size * 4);
  const n = SUPER * SUPER;
  for (let py = 0; py < size; py++) {
    for (let pxi = 0; pxi < size; pxi++) {
      let bg = 0;
      let glyph = 0;
      for (let sy = 0; sy < SUPER; sy++) {
        for (let sx = 0; sx < SUPER; sx++) {
          const s = shapeAt((pxi + (sx + 0.5) / SUPER) / size, (py + (sy + 0.5) / SUPER) / size);
          if (s === 'bg') bg++;
          else if (s === 'glyph') glyph++;
        }
      }
      const covered = bg + glyph;
      const o = (py * size + pxi) * 4;
      if (covered === 0) continue;
      // Colour over the covered part only; alpha is the coverage (straight, not premultiplied).
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(((BLUE[c] ?? 0) * bg + (WHITE[c] ?? 0) * glyph) / covered);
      px[o + 3] = Math.round((255 * covered) / n);
    }
  }
  return px;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([len, typed, crc]);
}

/** A PNG (RGBA, 8 bits per channel, no interlace, filter 0 on every row). */
function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(outDir, { recursive: true });
for (const size of SIZES) {
  const file = join(outDir, `icon-${size}.png`);
  writeFileSync(file, png(size, draw(size)));
  console.log(`make-icons: ${file.slice(root.length + 1)}`);
}
