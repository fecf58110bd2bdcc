// Pure.
/** What `?q=` and stored names are compared on: lower case, no accents, hyphens and apostrophes as spaces. */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[-'’_]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
