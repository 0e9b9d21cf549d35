#!/usr/bin/env node
// `npm run build:ext`: builds the DevTools extension with Vite + @crxjs/vite-plugin into dist-ext/
// (load it unpacked) and packs that folder into build/clasp-devtools-<version>.zip for the Chrome
// Web Store. The zip is written with node:zlib only (deflate + crc32), entries in sorted order with
// a fixed timestamp, so the same build gives the same bytes.
// `npm run build:ext -- --deep`: the deep flavour (manifest permission "debugger", for the opt-in
// deep mode) into dist-ext-deep/ and build/clasp-devtools-deep-<version>.zip.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const deep = process.argv.includes('--deep');
const outDir = join(root, deep ? 'dist-ext-deep' : 'dist-ext');

const build = spawnSync('npx', ['vite', 'build', '--mode', 'extension', '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CLASP_DEVTOOLS_DEEP: deep ? '1' : '0' },
});
if (build.status !== 0) process.exit(build.status ?? 1);

const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
for (const key of ['externally_connectable', 'web_accessible_resources']) {
  if (key in manifest) {
    console.error(`build:ext: the built manifest has "${key}"; refusing to package a development build`);
    process.exit(1);
  }
}
const permissions = JSON.stringify(manifest.permissions ?? []);
if (permissions !== (deep ? '["debugger"]' : '[]') || 'host_permissions' in manifest || 'optional_permissions' in manifest) {
  console.error(`build:ext: unexpected permissions ${permissions} in the ${deep ? 'deep' : 'standard'} build`);
  process.exit(1);
}

/** Every file under dir, as forward-slash paths relative to dir, sorted. */
function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** A zip archive (PKWARE APPNOTE 6.3: local headers, central directory, end record). */
function zip(dir, files) {
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = (1 << 5) | 1; // 1980-01-01
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const name of files) {
    const data = readFileSync(join(dir, name));
    const packed = deflateRawSync(data, { level: 9 });
    const useDeflate = packed.length < data.length;
    const body = useDeflate ? packed : data;
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(useDeflate ? 8 : 0, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    local.copy(central, 8, 6, 26); // flags … uncompressed size are the same fields
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const files = listFiles(outDir);
const zipDir = join(root, 'build');
mkdirSync(zipDir, { recursive: true });
const zipPath = join(zipDir, `clasp-devtools-${deep ? 'deep-' : ''}${manifest.version}.zip`);
writeFileSync(zipPath, zip(outDir, files));
console.log(`build:ext: unpacked extension in ${relative(root, outDir)}/ (${files.length} files)`);
console.log(`build:ext: Web Store package ${relative(root, zipPath)}`);
console.log(`build:ext: load it in chrome://extensions → Developer mode → "Load unpacked" → select ${relative(root, outDir)}/`);
