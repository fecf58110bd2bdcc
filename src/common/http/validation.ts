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
