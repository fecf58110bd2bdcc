// The pièces of the demo dossiers: a one-page PDF per pièce, made with pdfkit, saying what it
// stands for. Deterministic (fixed dates in the PDF's info): a second seed finds the same bytes.
import PDFDocument from 'pdfkit';
import type { DocumentKind } from '../generated/prisma/enums.js';
import { PIECE_TITLES } from '../documents/piece-kinds.js';

export function demoPiece(kind: DocumentKind, projectName: string, promoter: string): Promise<Buffer> {
  const title = PIECE_TITLES[kind];
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: `${title} — ${projectName}`,
      Author: promoter,
      Subject: 'Pièce de démonstration',
      CreationDate: new Date('2026-01-05T09:00:00Z'),
      ModDate: new Date('2026-01-05T09:00:00Z'),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(20).text(title);
  doc.moveDown().fontSize(13).text(projectName);
  doc.fontSize(11).text(`Porteur : ${promoter}`);
  doc.moveDown().fontSize(10).fillColor('#555').text('Pièce de démonstration créée par npm run seed:demo : elle tient la place du document que le porteur transmet.');
  doc.end();
  return done;
}
