import { decodeCursor, toPage, UUID_KEY } from '../../src/common/http/pagination.js';

describe('keyset pagination', () => {
  const rows = ['a', 'b', 'c'].map((k) => ({ k }));

  it('uses the extra row only to say there is a next page', () => {
    const page = toPage(
      rows,
      2,
      (r) => r.k,
      (r) => r.k.toUpperCase(),
    );
    expect(page.items).toEqual(['A', 'B']);
    expect(decodeCursor(page.nextCursor!, /^[a-z]$/)).toBe('b');
    expect(
      toPage(
        rows,
        3,
        (r) => r.k,
        (r) => r.k,
      ).nextCursor,
    ).toBeNull();
  });

  it('refuses a cursor it did not give', () => {
    expect(() => decodeCursor('garbage', UUID_KEY)).toThrow(/cursor/);
    expect(decodeCursor(undefined, UUID_KEY)).toBeUndefined();
  });
});
