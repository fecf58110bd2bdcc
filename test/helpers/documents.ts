// Real files for the pièces of dossiers: a PDF, a PNG, a CSV, an executable, built byte by byte.
import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import type { DocumentKind } from '../../src/generated/prisma/enums.js';
import type { TestApp } from './app.js';
import type { Actor } from './factories.js';

/** A valid one-page PDF 1.4 with `text` on it (cross-reference table with exact offsets). */
export function samplePdf(text = 'Pièce du dossier'): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, '\\$&').replace(/[^\x20-\x7e]/g, '?')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A valid RGB PNG of `width` × `height` pixels (a gradient: not all zeros). */
export function samplePng(width = 64, height = 48): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([(x * 4) & 255, (y * 5) & 255, 128], y * (1 + width * 3) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** A Windows executable's first bytes (an MZ header pointing at a PE signature), whatever it is named. */
export function sampleExe(): Buffer {
  const exe = Buffer.alloc(1024);
  exe.write('MZ', 0, 'latin1');
  exe.writeUInt32LE(0x80, 0x3c);
  exe.write('PE\0\0', 0x80, 'latin1');
  exe.writeUInt16LE(0x14c, 0x84);
  return exe;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Uploads a pièce through the API and returns the answer (whatever it is). */
export function upload(t: TestApp, applicationId: string, who: Actor, kind: string, file: Buffer = samplePdf(kind), filename = `${kind.toLowerCase()}.pdf`, label?: string) {
  const req = t.http().post(`/api/v1/applications/${applicationId}/documents`).set('Authorization', who.auth).field('kind', kind);
  if (label !== undefined) req.field('label', label);
  return req.attach('file', file, filename);
}

/** Uploads the pièces the dossier's checklist says are missing for its next move (nothing when none is). */
export async function providePieces(t: TestApp, applicationId: string, who: Actor): Promise<DocumentKind[]> {
  const dossier = (await t.http().get(`/api/v1/applications/${applicationId}`).set('Authorization', who.auth).expect(200)).body;
  const missing = dossier.checklist.missing as DocumentKind[];
  for (const kind of missing) await upload(t, applicationId, who, kind).expect(201);
  return missing;
}
