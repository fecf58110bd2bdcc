// Reads PDFs as a person or a screen reader would: their text (pdf.js), their title, language
// and tagging.
import { join } from 'node:path';
import { unzipSync } from 'fflate';

// pdf.js reads the standard fonts' metrics from here (else it warns on every page).
const standardFontDataUrl = join(process.cwd(), 'node_modules/pdfjs-dist/standard_fonts/');

/** The text of every page, each page's items joined by spaces. */
export async function pdfText(bytes: Buffer): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, standardFontDataUrl }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(
      content.items
        .map((i) => ('str' in i ? i.str : ''))
        .join(' ')
        .replace(/\s+/g, ' '),
    );
  }
  await doc.destroy();
  return pages;
}

/** What makes the PDF accessible: marked (tagged) with a structure tree, a title shown, a language. */
export async function pdfAccessibility(bytes: Buffer): Promise<{ marked: boolean; title: string | undefined; language: string | undefined; structTree: boolean }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, standardFontDataUrl }).promise;
  const markInfo = await doc.getMarkInfo();
  const { info } = (await doc.getMetadata()) as { info: { Title?: string; Language?: string } };
  const tree = await (await doc.getPage(1)).getStructTree();
  await doc.destroy();
  return { marked: markInfo?.Marked === true, title: info.Title, language: info.Language, structTree: !!tree && tree.children.length > 0 };
}

/** The entries of a ZIP, by name. */
export const unzip = (bytes: Buffer): Record<string, Buffer> =>
  Object.fromEntries(Object.entries(unzipSync(new Uint8Array(bytes))).map(([name, data]) => [name, Buffer.from(data)]));
