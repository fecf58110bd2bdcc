// What a file is, from its first bytes (never the client's Content-Type nor its name): the
// kinds of pièces a dossier takes are PDF, images, office documents and CSV. Pure.
import { fileTypeFromBuffer } from 'file-type';

/** Bytes read before deciding: enough for file-type's deepest check (the entries of an OOXML zip). */
export const SNIFF_BYTES = 64 * 1024;

/** The media types a pièce may have, with the extension a download offers. */
export const ACCEPTED_MEDIA_TYPES: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'text/csv': 'csv',
};

export type Sniffed = { accepted: true; mediaType: string; extension: string } | { accepted: false; detected: string };

/**
 * The media type of content starting with `head` (at most SNIFF_BYTES of it; the whole file
 * when shorter). Legacy Office files (OLE compound files) are refused: the container is also
 * that of Windows installers, and nothing short of parsing it tells them apart.
 */
export async function sniff(head: Uint8Array): Promise<Sniffed> {
  const found = await fileTypeFromBuffer(head);
  if (found) {
    const extension = ACCEPTED_MEDIA_TYPES[found.mime];
    return extension ? { accepted: true, mediaType: found.mime, extension } : { accepted: false, detected: found.mime };
  }
  if (looksLikeCsv(head)) return { accepted: true, mediaType: 'text/csv', extension: 'csv' };
  return { accepted: false, detected: isText(head) ? 'text/plain' : 'application/octet-stream' };
}

/** Text: no control character but tab, CR and LF (UTF-8 and Windows-1252 both pass). */
function isText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const byte of head) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
    if (byte === 0x7f) return false;
  }
  return true;
}

/** Text whose first line has a separator (comma, semicolon as Excel writes in French, or tab). */
function looksLikeCsv(head: Uint8Array): boolean {
  if (!isText(head)) return false;
  const firstLine = Buffer.from(head.subarray(0, 4096)).toString('latin1').split(/\r?\n/, 1)[0];
  return /[,;\t]/.test(firstLine);
}
