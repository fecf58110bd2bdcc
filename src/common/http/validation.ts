import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { type FieldError, invalid } from '../errors/problem.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      // class-validator starts messages with the property name; the field says it already.
      message: message.startsWith(`${e.property} `) ? message.slice(e.property.length + 1) : message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

const options = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  // Query strings arrive as strings: DTOs convert explicitly with @Type.
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors: ValidationError[]) => invalid(flatten(errors)),
};

export const validationPipe = () => new ValidationPipe(options);

/** Validates a body outside the pipe (before passport, which would answer a vague 401). */
export async function validateBody<T extends object>(cls: new () => T, body: unknown): Promise<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid([{ field: '', message: 'the body must be a JSON object' }]);
  }
  const instance = plainToInstance(cls, body);
  const errors = await validate(instance, options);
  if (errors.length) throw invalid(flatten(errors));
  return instance;
}

/** Validates a JSON array body, each item as `cls`; fields are named `[i].field`. */
export async function validateArray<T extends object>(cls: new () => T, body: unknown, maxItems: number): Promise<T[]> {
  if (!Array.isArray(body)) throw invalid([{ field: 'body', message: 'must be a JSON array' }]);
  if (body.length > maxItems) throw invalid([{ field: 'body', message: `at most ${maxItems} items` }]);
  const errors: FieldError[] = [];
  const items: T[] = [];
  for (const [i, item] of body.entries()) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ field: `[${i}]`, message: 'must be an object' });
      continue;
    }
    const instance = plainToInstance(cls, item);
    errors.push(...flatten(await validate(instance, options), `[${i}]`));
    items.push(instance);
  }
  if (errors.length) throw invalid(errors);
  return items;
}

/** JSON bodies nested deeper than this are refused: no DTO comes close (the deepest has 4). */
export const MAX_JSON_DEPTH = 32;
const NUL = '\u0000';

/**
 * What the HTTP boundary refuses in any input (path parameters, query, body) before a DTO sees
 * it: nesting deeper than `maxDepth` (the recursive walkers after it, class-transformer and
 * the idempotency hash, would overflow the stack) and the NUL character, which PostgreSQL text
 * cannot hold. The first offence as a field error (fields named as the validation pipe names
 * them), or undefined. Walked without recursion.
 */
export function inputProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): FieldError | undefined {
  const stack: [unknown, string, number][] = [[value, '', 1]];
  while (stack.length) {
    const [v, field, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes(NUL)) return { field: field || 'body', message: 'must not contain the NUL character (\\u0000)' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) return { field: 'body', message: `is nested more than ${maxDepth} levels deep` };
    for (const [key, child] of Object.entries(v)) {
      const name = Array.isArray(v) ? `${field}[${key}]` : field ? `${field}.${key}` : key;
      if (key.includes(NUL)) return { field: name, message: 'must not contain the NUL character (\\u0000)' };
      stack.push([child, name, depth + 1]);
    }
  }
  return undefined;
}

/**
 * A PATCH must change something: 400 when no field was given. (A validated DTO lists every declared
 * field, sent or not: `Object.keys` would never be empty.)
 */
export function requireChange(dto: object, message = 'give at least one field to change'): void {
  if (Object.values(dto).every((value) => value === undefined)) throw invalid([{ field: 'body', message }]);
}
