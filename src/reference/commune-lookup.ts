import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { invalid } from '../common/errors/problem.js';
import { CommunesRepository } from './communes.repository.js';

/** A commune named in a body (promoter, project): it must exist in the caller's territory. */
@Injectable()
export class CommuneLookup {
  constructor(private readonly communes: CommunesRepository) {}

  async require(territory: Territory, inseeCode: string, field = 'communeInsee') {
    const commune = await this.communes.find(territory, inseeCode);
    if (!commune) throw invalid([{ field, message: `no commune ${inseeCode} in your territory` }]);
    return commune;
  }
}
