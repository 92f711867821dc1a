/**
 * Builds the real-sound event library from recordings in Debian packages, as listed in scripts/real-sound-set.tsv:
 *
 *   node --import tsx scripts/make-real-sound-set.ts [--out data/real-sounds]
 *
 * Downloads each package with `apt-get download` (no installation, no root needed), unpacks it with `dpkg-deb -x`,
 * and copies the listed files to OUT/events/<class>/ and OUT/backgrounds/; OpenSFX's sounds come out of its
 * opensfx.cat catalogue. A file is named <package>__<member's base name> (with the member's folder in front when
 * another row already took that name; characters other than letters, digits, '.', '_' and '-' become '-'). Writes
 * OUT/files.tsv (every file with its package, version, licence and SHA-256) and copies
 * each package's debian/copyright to OUT/licences/. Refuses two rows with the same audio content. Nothing here goes
 * into git (data/ is ignored). Then `npx sed reproduce --config configs/reproduce-real.yaml` mixes the soundscapes
 * (`sed synth --events OUT/events --backgrounds OUT/backgrounds`) and runs the reproduction.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const TABLE = new URL('./real-sound-set.tsv', import.meta.url).pathname;
const OPENSFX_CAT = 'usr/share/games/openttd/baseset/opensfx/opensfx.cat';

interface Row {
  kind: 'event' | 'background';
  label: string;
  pkg: string;
  member: string;
  licence: string;
  description: string;
  line: number;
}

function readTable(): Row[] {
  const rows: Row[] = [];
  readFileSync(TABLE, 'utf8').split('\n').forEach((text, i) => {
    if (!text.trim() || text.startsWith('#') || text.startsWith('kind\t')) return;
    const cells = text.split('\t');
    if (cells.length !== 6 || (cells[0] !== 'event' && cells[0] !== 'background') || (cells[0] === 'event') !== Boolean(cells[1]))
      throw new Error(`${TABLE}:${i + 1}: expected kind, class (events only), package, member, licence, description`);
    rows.push({ kind: cells[0], label: cells[1], pkg: cells[2], member: cells[3], licence: cells[4], description: cells[5], line: i + 1 });
  });
  return rows;
}

/**
 * Entry `index` of an OpenTTD sound catalogue (.cat): a table of (offset | 0x80000000, size) uint32 pairs, the first
 * offset telling the table's length; each entry is a length-prefixed name (OpenSFX puts the credit line there)
 * followed by a RIFF/WAVE file.
 */
export function catEntry(cat: Uint8Array, index: number): { name: string; wav: Uint8Array } {
  const view = new DataView(cat.buffer, cat.byteOffset, cat.byteLength);
  const count = (view.getUint32(0, true) & 0x7fffffff) / 8;
  if (!(index >= 0 && index < count)) throw new Error(`opensfx.cat has entries 0..${count - 1}, not ${index}`);
  const offset = view.getUint32(8 * index, true) & 0x7fffffff;
  const size = view.getUint32(8 * index + 4, true);
  const nameLength = cat[offset];
  const name = new TextDecoder('latin1').decode(cat.subarray(offset + 1, offset + 1 + nameLength)).replace(/\0+$/, '');
  const wav = cat.subarray(offset + 1 + nameLength, offset + size);
  if (wav.length < 44 || new TextDecoder().decode(wav.subarray(0, 4)) !== 'RIFF') throw new Error(`opensfx.cat entry ${index} (${name}) holds no WAV data`);
  return { name, wav };
}

/** A member's name as a file name without spaces or other characters that need quoting in a shell. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : 'data/real-sounds';
  const rows = readTable();
  const debs = join(out, 'debs');
  const unpacked = join(out, 'unpacked');
  mkdirSync(debs, { recursive: true });
  const versions = new Map<string, string>();
  for (const pkg of [...new Set(rows.map((r) => r.pkg))].sort()) {
    let deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (!deb) {
      console.error(`apt-get download ${pkg}`);
      execFileSync('apt-get', ['download', pkg], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] });
      deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
      if (!deb) throw new Error(`apt-get download ${pkg} left no .deb in ${debs}`);
    }
    versions.set(pkg, decodeURIComponent(deb.split('_')[1]));
    const dir = join(unpacked, pkg);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      execFileSync('dpkg-deb', ['-x', join(debs, deb), dir]);
    }
    mkdirSync(join(out, 'licences'), { recursive: true });
    copyFileSync(join(dir, 'usr/share/doc', pkg, 'copyright'), join(out, 'licences', `${pkg}.copyright`));
  }

  for (const sub of ['events', 'backgrounds']) rmSync(join(out, sub), { recursive: true, force: true });
  const cats = new Map<string, Uint8Array>();
  const seen = new Map<string, Row>();
  const names = new Map<string, Row>();
  const lines = ['kind\tclass\tfile\tpackage\tversion\tmember\tlicence\tsha256\tdescription'];
  for (const row of rows) {
    let bytes: Uint8Array;
    let fileName: string;
    const cat = /^opensfx\.cat#(\d+)$/.exec(row.member);
    if (cat) {
      const path = join(unpacked, row.pkg, OPENSFX_CAT);
      if (!cats.has(path)) cats.set(path, new Uint8Array(readFileSync(path)));
      const entry = catEntry(cats.get(path)!, Number(cat[1]));
      bytes = entry.wav;
      const slug = entry.name.split('"')[1]?.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') ?? 'sound';
      fileName = `${row.pkg}__${cat[1].padStart(2, '0')}-${slug}.wav`;
    } else {
      bytes = new Uint8Array(readFileSync(join(unpacked, row.pkg, row.member)));
      fileName = `${row.pkg}__${safeName(basename(row.member))}`;
      // several members can share a base name (one word in many languages, one sample name in many drum kits)
      if (names.has(fileName)) fileName = `${row.pkg}__${safeName(`${basename(dirname(row.member))}-${basename(row.member)}`)}`;
    }
    const clash = names.get(fileName);
    if (clash) throw new Error(`${TABLE}:${row.line}: writes ${fileName} as line ${clash.line} does; list one of them under another member`);
    names.set(fileName, row);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const twin = seen.get(sha);
    if (twin) throw new Error(`${TABLE}:${row.line}: same audio as line ${twin.line} (${twin.pkg} ${twin.member}): a recording may be listed once`);
    seen.set(sha, row);
    const dir = row.kind === 'event' ? join(out, 'events', row.label) : join(out, 'backgrounds');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, fileName), bytes);
    lines.push([row.kind, row.label, join(row.kind === 'event' ? `events/${row.label}` : 'backgrounds', fileName), row.pkg, versions.get(row.pkg), row.member, row.licence, sha, row.description].join('\t'));
  }
  writeFileSync(join(out, 'files.tsv'), `${lines.join('\n')}\n`);
  const events = rows.filter((r) => r.kind === 'event');
  console.error(`${out}: ${events.length} event recordings in ${new Set(events.map((r) => r.label)).size} classes, ${rows.length - events.length} backgrounds, from ${versions.size} packages`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
