import { ValidateIf, type ValidationOptions } from 'class-validator';

/**
 * A property that may be left out but, when sent, is validated like any other — null
 * included. `@IsOptional()` lets null through, which is right only for a nullable column:
 * on a PATCH of a column that cannot be null it reached Prisma and answered 500.
 */
export const IsOmittable = (options?: ValidationOptions) => ValidateIf((_object: object, value: unknown) => value !== undefined, options);
