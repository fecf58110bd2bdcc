import { Injectable, Logger } from '@nestjs/common';
import { AuditRepository, type Tx } from '../../audit/audit.repository.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { assertRegionWide, type Principal } from '../../common/access/principal.js';
import { ApiProblem, forbidden, invalid } from '../../common/errors/problem.js';
import { PrismaService } from '../../database/prisma.service.js';
import { isRegionCode } from '../regions.js';
import { DatasetError, type OfficialDataset, readOfficialDataset, regionSlice } from './dataset.js';
import { type LoadCounts, OfficialRepository } from './official.repository.js';

export interface LoadResult extends LoadCounts {
  regionCode: string;
  source: string;
  version: string;
  total: number;
  ms: number;
}

/** Loads a region's communes and EPCI from the official dataset: one transaction per region. */
export async function loadRegion(
  prisma: PrismaClient,
  repository: OfficialRepository,
  dataset: OfficialDataset,
  regionCode: string,
  onLoaded?: (tx: Tx, result: LoadResult) => Promise<void>,
): Promise<LoadResult> {
  const started = Date.now();
  const { communes, epcis } = regionSlice(dataset, regionCode);
  return prisma.$transaction(
    async (tx) => {
      const counts = await repository.load(tx, regionCode, communes, epcis, dataset.source, dataset.version);
      const result = { regionCode, source: dataset.source, version: dataset.version, total: communes.length, ...counts, ms: Date.now() - started };
      await onLoaded?.(tx, result);
      return result;
    },
    { timeout: 120_000 },
  );
}

@Injectable()
export class OfficialService {
  private readonly logger = new Logger('ReferenceLoad');

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: OfficialRepository,
    private readonly audit: AuditRepository,
  ) {}

  async load(principal: Principal, regionCode: string): Promise<LoadResult> {
    assertRegionWide(principal, "The region's official communes");
    if (!isRegionCode(regionCode)) throw invalid([{ field: 'regionCode', message: `${regionCode} is not a region code (COG)` }]);
    if (regionCode !== principal.regionCode) throw forbidden(`You manage region ${principal.regionCode}, not ${regionCode}.`);
    let dataset: OfficialDataset;
    try {
      dataset = await readOfficialDataset();
    } catch (error) {
      if (error instanceof DatasetError) throw new ApiProblem(503, error.message, 'dataset-unavailable');
      throw error;
    }
    const result = await loadRegion(this.prisma, this.repository, dataset, regionCode, (tx, r) =>
      this.audit.change(tx, principal, { action: 'commune.load_official', entity: 'reference_load', entityId: regionCode, regionCode, after: { ...r, ms: undefined } }),
    );
    this.logger.log(result, `official communes of region ${regionCode} loaded`);
    return result;
  }
}
