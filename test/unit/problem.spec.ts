import { NotFoundException } from '@nestjs/common';
import { ApiProblem, conflict, toProblem } from '../../src/common/errors/problem.js';

describe('toProblem', () => {
  it('keeps an ApiProblem as it is, with its headers', () => {
    const mapped = toProblem(conflict('Wrong status.', { currentStatus: 'DRAFT' }));
    expect(mapped.problem).toMatchObject({ status: 409, title: 'Conflict', detail: 'Wrong status.', currentStatus: 'DRAFT' });
    expect(mapped.unexpected).toBe(false);
  });

  it("says which route is unknown for Nest's 404", () => {
    const { problem } = toProblem(new NotFoundException('Cannot GET /api/v1/nowhere'));
    expect(problem).toMatchObject({ status: 404, detail: 'No route matches GET /api/v1/nowhere.' });
  });

  it('maps unique violations to 409 and missing rows to 404', () => {
    expect(toProblem({ code: 'P2002', message: 'Unique constraint failed on the fields: (`email`)' }).problem.status).toBe(409);
    expect(toProblem({ code: 'P2025', message: 'No record' }).problem.status).toBe(404);
  });

  it("maps PostgreSQL's own errors from the statements sent without the ORM as Prisma's", () => {
    const pg = (code: string) => ({ code, severity: 'ERROR', message: `pg ${code}` });
    expect(toProblem(pg('23505')).problem).toMatchObject({ status: 409, detail: 'A resource with the same unique value already exists.' });
    expect(toProblem(pg('23503')).problem).toMatchObject({ status: 409, detail: 'The resource is referenced by, or references, another one.' });
    expect(toProblem(pg('40P01')).problem).toMatchObject({ status: 409 });
    expect(toProblem(pg('40001')).problem).toMatchObject({ status: 409 });
    // An error of ours in a statement stays a 500, logged.
    expect(toProblem(pg('42601'))).toMatchObject({ problem: { status: 500 }, unexpected: true });
  });

  it('maps a database that is away to 503 unavailable with Retry-After, never 500', () => {
    for (const error of [
      { code: 'P1001', message: "Can't reach database server" },
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' },
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      { code: '57P01', message: 'terminating connection due to administrator command' },
      { name: 'DriverAdapterError', message: 'x', cause: { kind: 'DatabaseNotReachable' } },
      { name: 'DriverAdapterError', message: 'x', cause: { kind: 'postgres', originalCode: '08006' } },
    ]) {
      const mapped = toProblem(error);
      expect(mapped.problem).toMatchObject({ status: 503, type: 'tag:msp-funding,2026:problem/unavailable' });
      expect(mapped.headers['Retry-After']).toBe('5');
    }
  });

  it('maps a pool with no connection free in time (and its kin) to 503 busy with Retry-After, never "unreachable"', () => {
    for (const error of [
      // pg-pool: every connection taken past connectionTimeoutMillis.
      new Error('timeout exceeded when trying to connect'),
      { code: 'P2024', message: 'Timed out fetching a new connection from the connection pool.' },
      // Every pool connection busy past the transaction's maxWait.
      { code: 'P2028', message: 'Transaction API error: Unable to start a transaction in the given time.' },
      // A transaction that outlived its timeout: rolled back.
      {
        code: 'P2028',
        message:
          'Transaction API error: Transaction already closed: A commit cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms, however 5012 ms passed since the start of the transaction.',
      },
      { code: '57014', message: 'canceling statement due to statement timeout' },
      { code: '53300', message: 'sorry, too many clients already' },
    ]) {
      const mapped = toProblem(error);
      expect(mapped.problem).toMatchObject({ status: 503, type: 'tag:msp-funding,2026:problem/busy' });
      expect(mapped.problem.detail).toMatch(/busy/);
      expect(mapped.problem.detail).not.toMatch(/unreachable/);
      expect(mapped.headers['Retry-After']).toBe('2');
    }
  });

  it('answers anything else with a 500 that leaks nothing', () => {
    const mapped = toProblem(new TypeError("Cannot read properties of undefined (reading 'x') SELECT * FROM users"));
    expect(mapped.unexpected).toBe(true);
    expect(mapped.problem.status).toBe(500);
    expect(JSON.stringify(mapped.problem)).not.toMatch(/SELECT|undefined|TypeError/);
  });

  it('gives problem types as tag URIs', () => {
    expect(new ApiProblem(422, 'x', 'rule/rate-band').toProblem().type).toBe('tag:msp-funding,2026:problem/rule/rate-band');
  });
});
