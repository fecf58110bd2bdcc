// A tagged PDF (PDF 1.7, structure tree, title shown, language fr-FR) written with pdfkit: the
// letters and the séance pack read by screen readers and by text extraction alike. Pure: no
// Nest, no database; bytes in memory (a letter or a summary is a few kilobytes).
import PDFDocument from 'pdfkit';

export interface PdfMeta {
  title: string;
  /** Who signs or issues it: the ARS. */
  author: string;
  subject: string;
}

type Struct = PDFKit.PDFStructureElement;

const MARGIN = 56;
const GREY = '#555555';
const BLUE = '#000091'; // the State's blue (DSFR)

/** One document: headings, paragraphs, label–value lists and tables, each a structure element. */
export class TaggedPdf {
  private readonly doc: PDFKit.PDFDocument;
  private readonly root: Struct;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(meta: PdfMeta) {
    this.doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      pdfVersion: '1.7',
      tagged: true,
      lang: 'fr-FR',
      displayTitle: true,
      // Fixed dates: the same letter gives the same bytes (and SHA-256) wherever it is made.
      info: { Title: meta.title, Author: meta.author, Subject: meta.subject, Creator: 'msp-funding', CreationDate: new Date(0), ModDate: new Date(0) },
    });
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    this.root = this.doc.struct('Document');
    this.doc.addStructure(this.root);
  }

  /** The issuer's block, top left: the ARS and its region. */
  letterhead(lines: string[]): this {
    return this.add('P', () => {
      this.doc.font('Helvetica-Bold').fontSize(11).fillColor(BLUE).text(lines[0]);
      this.doc.font('Helvetica').fontSize(10).fillColor(GREY);
      for (const line of lines.slice(1)) this.doc.text(line);
      this.doc.fillColor('black').moveDown(1.5);
    });
  }

  h1(text: string): this {
    return this.add('H1', () => this.doc.font('Helvetica-Bold').fontSize(17).fillColor('black').text(text).moveDown(0.6));
  }

  h2(text: string): this {
    return this.add('H2', () => this.doc.moveDown(0.4).font('Helvetica-Bold').fontSize(12.5).fillColor(BLUE).text(text).fillColor('black').moveDown(0.3));
  }

  p(text: string, options: { bold?: boolean; muted?: boolean; size?: number } = {}): this {
    return this.add('P', () => {
      this.doc
        .font(options.bold ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(options.size ?? 10.5)
        .fillColor(options.muted ? GREY : 'black')
        .text(text, { align: 'left' })
        .fillColor('black')
        .moveDown(0.4);
    });
  }

  /** Label–value pairs, one per line (a definition list for screen readers: L > LI > Lbl + LBody). */
  fields(pairs: [string, string][]): this {
    const list = this.doc.struct('L');
    this.root.add(list);
    for (const [label, value] of pairs) {
      const item = this.doc.struct('LI');
      list.add(item);
      const y = this.doc.y;
      item.add(this.doc.struct('Lbl', {}, () => this.doc.font('Helvetica-Bold').fontSize(10).text(label, MARGIN, y, { width: 170 })));
      const afterLabel = this.doc.y;
      item.add(
        this.doc.struct('LBody', {}, () =>
          this.doc
            .font('Helvetica')
            .fontSize(10)
            .text(value, MARGIN + 180, y, { width: this.width - 180 }),
        ),
      );
      this.doc.x = MARGIN;
      this.doc.y = Math.max(afterLabel, this.doc.y) + 3;
      item.end();
    }
    list.end();
    this.doc.moveDown(0.5);
    return this;
  }

  /** A table with a header row; `widths` in points (they should add up to the text width). */
  table(headers: string[], rows: string[][], widths: number[]): this {
    const table = this.doc.struct('Table');
    this.root.add(table);
    const row = (cells: string[], header: boolean) => {
      if (this.doc.y > this.doc.page.height - MARGIN - 40) this.doc.addPage();
      const tr = this.doc.struct('TR');
      table.add(tr);
      const y = this.doc.y;
      let x = MARGIN;
      let bottom = y;
      cells.forEach((cell, i) => {
        const left = x;
        tr.add(
          this.doc.struct(header ? 'TH' : 'TD', {}, () => {
            this.doc
              .font(header ? 'Helvetica-Bold' : 'Helvetica')
              .fontSize(9)
              .text(cell, left, y, { width: widths[i] - 6 });
          }),
        );
        bottom = Math.max(bottom, this.doc.y);
        x += widths[i];
      });
      tr.end();
      this.doc.x = MARGIN;
      this.doc.y = bottom + 4;
      // A rule under each row: decoration, not content.
      this.doc.markContent('Artifact', { type: 'Layout' });
      this.doc
        .moveTo(MARGIN, this.doc.y - 2)
        .lineTo(MARGIN + this.width, this.doc.y - 2)
        .lineWidth(header ? 0.8 : 0.3)
        .strokeColor(header ? BLUE : '#bbbbbb')
        .stroke();
      this.doc.endMarkedContent();
    };
    row(headers, true);
    for (const r of rows) row(r, false);
    table.end();
    this.doc.moveDown(0.6);
    return this;
  }

  /** The signature block, bottom of the text. */
  signature(lines: string[]): this {
    return this.add('P', () => {
      this.doc.moveDown(2).font('Helvetica').fontSize(10.5);
      for (const line of lines) this.doc.text(line, MARGIN + this.width / 2, this.doc.y, { width: this.width / 2 });
      this.doc.x = MARGIN;
    });
  }

  pageBreak(): this {
    this.doc.addPage();
    return this;
  }

  async bytes(): Promise<Buffer> {
    this.root.end();
    this.doc.end();
    return this.done;
  }

  private get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }

  private add(tag: string, draw: () => void): this {
    this.root.add(this.doc.struct(tag, {}, draw));
    return this;
  }
}

/** A date as a French letter writes it: « 27 novembre 2026 ». */
export const frenchDate = (isoDate: string): string =>
  new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));

/** Cents as a French amount: « 1 234 567,89 € » (integer arithmetic, no float). */
export function euros(cents: bigint | number): string {
  const c = BigInt(cents);
  const sign = c < 0n ? '-' : '';
  const abs = c < 0n ? -c : c;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign}${whole},${(abs % 100n).toString().padStart(2, '0')} €`;
}
