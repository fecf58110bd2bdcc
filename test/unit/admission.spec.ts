import { Admission } from '../../src/common/http/admission.js';

describe('Admission', () => {
  const caller = (log: string[], name: string, gone = () => false) => [() => log.push(`${name} admitted`), () => log.push(`${name} refused`), gone] as const;

  it('admits up to the limit at once, then in order of arrival as others leave', () => {
    const log: string[] = [];
    const admission = new Admission(2, 1000, () => 0);
    for (const name of ['a', 'b', 'c', 'd']) admission.enter(...caller(log, name));
    expect(log).toEqual(['a admitted', 'b admitted']);
    expect(admission.queued).toBe(2);
    admission.leave();
    expect(log).toEqual(['a admitted', 'b admitted', 'c admitted']);
    admission.leave();
    admission.leave();
    expect(log.at(-1)).toBe('d admitted');
    expect(admission.queued).toBe(0);
  });

  it('lets no newcomer pass those waiting', () => {
    const log: string[] = [];
    const admission = new Admission(1, 1000, () => 0);
    admission.enter(...caller(log, 'a'));
    admission.enter(...caller(log, 'b'));
    admission.leave();
    admission.enter(...caller(log, 'c'));
    expect(log).toEqual(['a admitted', 'b admitted']);
  });

  it('refuses whoever waited past the bound, and drops whoever went away', () => {
    const log: string[] = [];
    let now = 0;
    const admission = new Admission(1, 1000, () => now);
    admission.enter(...caller(log, 'a'));
    admission.enter(...caller(log, 'b'));
    admission.enter(...caller(log, 'gone', () => true));
    now = 500;
    admission.enter(...caller(log, 'c'));
    now = 1200;
    admission.leave();
    expect(log).toEqual(['a admitted', 'b refused', 'c admitted']);
  });

  it('is off at 0', () => {
    const log: string[] = [];
    const admission = new Admission(0, 0);
    for (let i = 0; i < 100; i++) admission.enter(...caller(log, String(i)));
    expect(log).toHaveLength(100);
  });
});
