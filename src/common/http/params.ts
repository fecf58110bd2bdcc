import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { invalid } from '../errors/problem.js';
import { INSEE_COMMUNE } from '../validation/codes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path parameters: a malformed id is a 400 naming the parameter, never a 500 or a 404. */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    if (!UUID.test(value)) throw invalid([{ field: meta.data ?? 'id', message: 'must be a UUID' }]);
    return value.toLowerCase();
  }
}

@Injectable()
export class InseeParam implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    if (!INSEE_COMMUNE.test(value)) throw invalid([{ field: meta.data ?? 'inseeCode', message: 'must be an INSEE commune code' }]);
    return value;
  }
}
